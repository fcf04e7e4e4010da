import type { FastifyInstance } from "fastify";
import { Errors } from "../errors.js";
import { bearerAuthorized, type MetricsSource } from "../metrics/exposition.js";
import { checkReadiness, type ReadinessProbe } from "../metrics/health.js";
import { METRICS_CONTENT_TYPE, type ProcessMetrics } from "../metrics/registry.js";
import { sendError } from "./transport.js";

/** What the operations routes need. */
export interface OpsOptions {
  store: ReadinessProbe;
  /** Counts every request; absent when metrics are off. */
  metrics?: ProcessMetrics;
  /** Serves `/metrics` on this port; absent when they are off or on a port of their own. */
  metricsSource?: MetricsSource;
  bearerToken?: string;
  /** Bound on the readiness query. */
  readinessTimeoutMs: number;
}

/**
 * Counts every request of `app` (call it on the root instance, before the routes): one hook for all
 * routes, labelled by the route *pattern* so that paths with ids stay one series.
 */
export function installRequestMetrics(app: FastifyInstance, metrics: ProcessMetrics): void {
  app.addHook("onResponse", (req, reply, done) => {
    metrics.observeRequest(req.routeOptions.url ?? "unmatched", req.method, reply.statusCode, reply.elapsedTime / 1000);
    done();
  });
}

/** `/healthz`, `/readyz` and (when served on this port) `/metrics`. */
export async function opsRoutes(app: FastifyInstance, options: OpsOptions): Promise<void> {
  const { metricsSource } = options;

  // The pid tells which process answered (several behind one port with --workers, or behind a balancer).
  app.get("/healthz", async () => ({ status: "ok", pid: process.pid }));

  app.get("/readyz", async (req, reply) => {
    const readiness = await checkReadiness(options.store, options.readinessTimeoutMs);
    if (readiness.ready) return { status: "ready" };
    req.log.warn({ reason: readiness.reason }, "not ready");
    return sendError(reply, Errors.notReady(`not ready: ${readiness.reason}`));
  });

  if (metricsSource) {
    app.get("/metrics", async (req, reply) => {
      if (!bearerAuthorized(req.headers.authorization, options.bearerToken)) return sendError(reply, Errors.metricsUnauthorized());
      const text = await metricsSource();
      return reply.header("content-type", METRICS_CONTENT_TYPE).send(text);
    });
  }
}
