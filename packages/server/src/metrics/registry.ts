import { collectDefaultMetrics, Counter, Gauge, Registry } from "prom-client";
import { RequestHistogram } from "./request-histogram.js";
import type { StoreFaultReason } from "../errors.js";
import type { ServiceMetrics } from "./service-metrics.js";

type Child<T> = { inc(): void } & T;
type Observer = (seconds: number) => void;

/** Latency buckets (seconds): the hot paths answer in about a millisecond, logins in tens of them. */
const LATENCY_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/**
 * The metrics of one serving process, in its own prom-client registry (never the global one, so two
 * servers in one process — tests — keep theirs apart). Label children are cached: a request pays a Map
 * lookup and a histogram bucket increment, not prom-client's label hashing.
 */
export class ProcessMetrics implements ServiceMetrics {
  readonly registry = new Registry();
  private readonly requests: RequestHistogram;
  private readonly logins: Counter<"provider" | "result">;
  private readonly refreshes: Counter<"result">;
  private readonly rateLimits: Counter<"route" | "limit">;
  private readonly functionCalls: Counter<"result">;
  private readonly storeErrors: Counter<"reason">;
  private readonly children = new Map<string, Child<object>>();

  constructor(argon2: () => { running: number; waiting: number }, options: { processMetrics: boolean }) {
    const registers = [this.registry];
    this.requests = new RequestHistogram({
      name: "gatehouse_http_request_duration_seconds",
      help: "HTTP requests by route pattern, method and status: latency from arrival to the last byte written",
      buckets: LATENCY_BUCKETS,
      registers,
    });
    this.logins = new Counter({
      name: "gatehouse_logins_total",
      help: "Login attempts by provider type and result (ok or the error code)",
      labelNames: ["provider", "result"],
      registers,
    });
    this.refreshes = new Counter({
      name: "gatehouse_refreshes_total",
      help: "Access-token refreshes by result (ok or the error code)",
      labelNames: ["result"],
      registers,
    });
    this.rateLimits = new Counter({
      name: "gatehouse_rate_limited_total",
      help: "Attempts refused by a rate limit, by route and by which limit (ip or account)",
      labelNames: ["route", "limit"],
      registers,
    });
    this.functionCalls = new Counter({
      name: "gatehouse_function_calls_total",
      help: "Function calls by result: ok, error, or timeout (past functions.timeLimitMs)",
      labelNames: ["result"],
      registers,
    });
    this.storeErrors = new Counter({
      name: "gatehouse_store_errors_total",
      help: "Database faults by reason (unavailable, timeout, busy, full, readonly, io, connection_lost)",
      labelNames: ["reason"],
      registers,
    });
    new Gauge({
      name: "gatehouse_argon2_queue_depth",
      help: "Password hashes waiting for an argon2 slot",
      registers,
      collect() {
        this.set(argon2().waiting);
      },
    });
    new Gauge({
      name: "gatehouse_argon2_running",
      help: "Password hashes being computed",
      registers,
      collect() {
        this.set(argon2().running);
      },
    });
    if (options.processMetrics) collectDefaultMetrics({ register: this.registry });
  }

  /**
   * What counts the finished requests of one route (`route` is its pattern, never the raw path: bounded
   * labels): the series are looked up by method and status only, in maps of the route's own.
   */
  requestObserver(route: string): (method: string, status: number, seconds: number) => void {
    const byMethod = new Map<string, Map<number, Observer>>();
    return (method, status, seconds) => {
      let byStatus = byMethod.get(method);
      if (byStatus === undefined) byMethod.set(method, (byStatus = new Map()));
      let child = byStatus.get(status);
      if (child === undefined) byStatus.set(status, (child = this.requests.observer(route, method, String(status))));
      child(seconds);
    };
  }

  login(providerType: string, result: string): void {
    this.count(this.logins, "l", providerType, result);
  }

  refresh(result: string): void {
    this.count(this.refreshes, "r", result);
  }

  rateLimited(route: string, limit: "ip" | "account"): void {
    this.count(this.rateLimits, "x", route, limit);
  }

  functionCall(result: "ok" | "timeout" | "error"): void {
    this.count(this.functionCalls, "f", result);
  }

  storeFault(reason: StoreFaultReason | "connection_lost"): void {
    this.count(this.storeErrors, "s", reason);
  }

  private count(counter: Counter<string>, tag: string, ...values: string[]): void {
    const key = `${tag} ${values.join(" ")}`;
    let child = this.children.get(key);
    if (child === undefined) {
      child = counter.labels(...values);
      this.children.set(key, child);
    }
    child.inc();
  }
}

/**
 * Metrics of the server as a whole, kept once per server (by the supervisor with `--workers`, by the
 * only process otherwise): live sessions, worker processes and their restarts.
 */
export class ServerMetrics {
  readonly registry = new Registry();
  readonly workerRestarts: Counter<"reason">;
  readonly workers: Gauge;

  constructor(activeSessions: () => Promise<number>) {
    const registers = [this.registry];
    new Gauge({
      name: "gatehouse_active_sessions",
      help: "Sessions neither revoked nor expired, all apps (counted in the store at scrape time)",
      registers,
      // Gauges are summed across workers; only this registry reports it, so the sum is the count.
      async collect() {
        try {
          this.set(await activeSessions());
        } catch {
          // The database is down: keep the last count; gatehouse_store_errors_total says why.
        }
      },
    });
    this.workers = new Gauge({ name: "gatehouse_workers", help: "Serving processes currently up", registers });
    this.workerRestarts = new Counter({
      name: "gatehouse_worker_restarts_total",
      help: "Serving processes replaced after they exited unexpectedly, by how they exited",
      labelNames: ["reason"],
      registers,
    });
  }
}

/** The Prometheus text content type prom-client writes. */
export const METRICS_CONTENT_TYPE = Registry.PROMETHEUS_CONTENT_TYPE;
