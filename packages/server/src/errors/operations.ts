/**
 * The server itself cannot serve: its database, and the operations endpoints.
 * Part of the one catalogue that `../errors.ts` assembles; see there for what an entry is.
 */
import { retryLater, type Entry } from "./entry.js";

export const operationsErrors = {
  // ---- the database cannot serve the request (store/faults.ts): nothing of the request was written
  storeUnavailable: {
    code: "ServiceUnavailable",
    status: 503,
    message: () => retryLater("the database is unavailable; try again shortly"),
  },
  storeTimeout: {
    code: "ServiceUnavailable",
    status: 503,
    message: () => retryLater("the database did not answer in time; try again shortly"),
  },
  storeBusy: { code: "ServiceUnavailable", status: 503, message: () => retryLater("the database is busy; try again shortly") },
  storeFull: {
    code: "ServiceUnavailable",
    status: 503,
    message: () => retryLater("the database is out of disk space; nothing was written"),
  },
  storeReadOnly: { code: "ServiceUnavailable", status: 503, message: () => retryLater("the database is read-only; nothing was written") },
  storeIoError: {
    code: "ServiceUnavailable",
    status: 503,
    message: () => retryLater("the database could not read or write its files; nothing was written"),
  },

  // ---- operations endpoints (metrics/)
  /** `/readyz` while the store cannot be reached or its schema is behind this build. */
  notReady: { code: "ServiceUnavailable", status: 503, message: (why: string) => retryLater(`not ready: ${why}`) },
  /** `/metrics` behind a bearer token, asked without the right one. */
  metricsUnauthorized: { code: "MissingAuthReq", status: 401, message: () => "metrics need the configured bearer token" },
} satisfies Record<string, Entry>;
