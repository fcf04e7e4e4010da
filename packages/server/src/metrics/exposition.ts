import { createHash, timingSafeEqual } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Registry } from "prom-client";
import { METRICS_CONTENT_TYPE } from "./registry.js";

/** Produces the Prometheus text of the whole server (one process, or every worker aggregated). */
export type MetricsSource = () => Promise<string>;

/** The text of several registries of one process, as one exposition. */
export function localSource(registries: Registry[]): MetricsSource {
  const merged = Registry.merge(registries);
  return () => merged.metrics();
}

/**
 * Whether an `Authorization` header carries the configured bearer token. Both sides are hashed first so
 * the comparison is constant-time whatever the lengths.
 */
export function bearerAuthorized(header: string | undefined, token: string | undefined): boolean {
  if (token === undefined) return true;
  const match = header === undefined ? null : /^Bearer\s+(\S+)\s*$/i.exec(header);
  const digest = (value: string) => createHash("sha256").update(value).digest();
  return timingSafeEqual(digest(match?.[1] ?? ""), digest(token)) && match !== null;
}

/** A metrics endpoint on its own port (server config `metrics.port`), apart from the client API. */
export interface MetricsListener {
  url: string;
  close(): Promise<void>;
}

/** Serves `GET /metrics` (and nothing else) on `host:port`. */
export async function listenForMetrics(options: {
  source: MetricsSource;
  port: number;
  host: string;
  bearerToken?: string;
  onError: (error: unknown) => void;
}): Promise<MetricsListener> {
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? "/").split("?")[0];
    const reply = (status: number, code: string, message: string) => {
      res.writeHead(status, { "content-type": "application/json" });
      res.end(JSON.stringify({ error: message, error_code: code }));
    };
    if (path !== "/metrics" || req.method !== "GET") return reply(404, "NotFound", "only GET /metrics is served here");
    if (!bearerAuthorized(req.headers.authorization, options.bearerToken)) {
      return reply(401, "MissingAuthReq", "metrics need the configured bearer token");
    }
    options.source().then(
      (text) => {
        res.writeHead(200, { "content-type": METRICS_CONTENT_TYPE });
        res.end(text);
      },
      (error: unknown) => {
        options.onError(error);
        reply(503, "ServiceUnavailable", "metrics could not be collected");
      },
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const host = options.host.includes(":") ? `[${options.host}]` : options.host;
  return {
    url: `http://${host}:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
