import type { StoreFaultReason } from "../errors.js";

/**
 * What the services report to metrics. Services call these plain methods and never see the metrics
 * library; every call is a counter increment on a cached child (a few tens of nanoseconds).
 */
export interface ServiceMetrics {
  /** A login attempt ended: `result` is `ok` or the error code. */
  login(providerType: string, result: string): void;
  /** A refresh ended: `ok` or the error code. */
  refresh(result: string): void;
  /** A credential route refused an attempt (429). `limit` is `ip` or `account`. */
  rateLimited(route: string, limit: "ip" | "account"): void;
  /** A function call ended: `ok`, `timeout` or `error`. */
  functionCall(result: "ok" | "timeout" | "error"): void;
  /** The database failed a query or a connection. */
  storeFault(reason: StoreFaultReason | "connection_lost"): void;
}

/** Metrics switched off: every report is dropped. */
export const noMetrics: ServiceMetrics = {
  login: () => {},
  refresh: () => {},
  rateLimited: () => {},
  functionCall: () => {},
  storeFault: () => {},
};
