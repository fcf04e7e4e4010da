import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
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
 * Counts every request of `app` (call it on the root instance, before the routes), labelled by the route
 * *pattern* so that paths with ids stay one series. Each route gets its own `onResponse` hook that knows
 * its pattern: one hook for all would read Fastify's `routeOptions`, a getter that builds a
 * thirteen-field object on every call. Requests no route matched are counted by the returned function
 * (the not-found handler calls it), as `unmatched`.
 */
export function installRequestMetrics(app: FastifyInstance, metrics: ProcessMetrics): (req: FastifyRequest, reply: FastifyReply) => void {
  app.addHook("onRoute", (route) => {
    const observe = metrics.requestObserver(route.url);
    const hook = (req: FastifyRequest, reply: FastifyReply, done: () => void) => {
      observe(req.method, reply.statusCode, reply.elapsedTime / 1000);
      done();
    };
    route.onResponse = [...[route.onResponse ?? []].flat(), hook];
  });
  const unmatched = metrics.requestObserver("unmatched");
  return (req, reply) => {
    reply.raw.once("finish", () => unmatched(req.method, reply.statusCode, reply.elapsedTime / 1000));
  };
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
