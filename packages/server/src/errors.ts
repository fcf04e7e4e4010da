/**
 * The one catalogue of errors Gatehouse reports to a client. Each entry has a stable name — its
 * `reason`, which tests and the audit log use — the App Services `error_code` it is sent with, its
 * HTTP status, and how its message is worded. Services throw `Errors.<reason>(...)`; the HTTP layer
 * turns the error into an `{error, error_code, reason}` body. Callers branch on `reason` or `code`,
 * never on the message. The entries live in one module an area under `errors/`; this module joins
 * them and is the only import callers use.
 *
 * A reason never says more than the message does: where two causes must look the same to a client
 * (an unknown user and a wrong password), they share one entry.
 */

import { accountErrors } from "./errors/accounts.js";
import { adminErrors } from "./errors/admin.js";
import { appErrors } from "./errors/apps.js";
import type { Entry, ErrorCode, Wording } from "./errors/entry.js";
import { functionErrors } from "./errors/functions.js";
import { identityProviderErrors } from "./errors/identity-providers.js";
import { loginErrors } from "./errors/logins.js";
import { operationsErrors } from "./errors/operations.js";
import { requestErrors } from "./errors/request.js";
import { sessionErrors } from "./errors/sessions.js";

export { ERROR_CODES, type ErrorCode } from "./errors/entry.js";

/**
 * The parts of the catalogue, one module an area under `errors/`. A new entry goes into the part of
 * its area (a new part is added here); no reason may stand in two parts (test/errors/catalogue.test.ts).
 */
const catalogue = {
  ...requestErrors,
  ...appErrors,
  ...sessionErrors,
  ...loginErrors,
  ...identityProviderErrors,
  ...accountErrors,
  ...functionErrors,
  ...adminErrors,
  ...operationsErrors,
} satisfies Record<string, Entry>;

type Catalogue = typeof catalogue;

/** The stable internal name of an error: the name of its catalogue entry. */
export type ErrorReason = keyof Catalogue;

/**
 * An error Gatehouse reports to a client. Build it through {@link Errors}, or subclass it passing a
 * catalogue `reason` (as the function errors do).
 */
export class GatehouseError extends Error {
  /** The catalogue entry this error is; stable, and what tests assert on. */
  readonly reason: ErrorReason;
  /** App Services `error_code` (a name realm-core recognises). */
  readonly code: ErrorCode;
  /** HTTP status sent with the error body. */
  readonly status: number;
  /** Extra response headers (e.g. `retry-after`). */
  readonly headers: Record<string, string>;

  /**
   * @param reason - The catalogue entry.
   * @param args - The entry's message arguments.
   */
  constructor(reason: ErrorReason, ...args: unknown[]) {
    const entry: Entry = catalogue[reason];
    const wording = (entry.message as (...a: unknown[]) => Wording)(...args);
    const detail = typeof wording === "string" ? { message: wording } : wording;
    super(detail.message);
    this.name = "GatehouseError";
    this.reason = reason;
    this.code = entry.code;
    this.status = detail.status ?? entry.status;
    this.headers = detail.headers ?? {};
  }
}

/** One constructor per catalogue entry: `Errors.appNotFound("my-app")`. */
export const Errors = Object.fromEntries(
  Object.keys(catalogue).map((reason) => [reason, (...args: unknown[]) => new GatehouseError(reason as ErrorReason, ...args)]),
) as { readonly [R in ErrorReason]: (...args: Parameters<Catalogue[R]["message"]>) => GatehouseError };

/** The catalogue as data (`reason → code, status`), for documentation and tests. */
export function errorCatalogue(): { reason: ErrorReason; code: ErrorCode; status: number }[] {
  return (Object.keys(catalogue) as ErrorReason[]).map((reason) => ({
    reason,
    code: catalogue[reason].code,
    status: catalogue[reason].status,
  }));
}

/** Why the store could not serve a request (store/faults.ts): stable, for logs and metrics. */
export type StoreFaultReason = "unavailable" | "timeout" | "busy" | "full" | "readonly" | "io";

const FAULT_REASONS: Record<StoreFaultReason, ErrorReason> = {
  unavailable: "storeUnavailable",
  timeout: "storeTimeout",
  busy: "storeBusy",
  full: "storeFull",
  readonly: "storeReadOnly",
  io: "storeIoError",
};

/**
 * The database could not serve the request (PostgreSQL down or restarting, a query past its timeout, an
 * SQLite file on a full disk or made read-only). Always 503 with `retry-after`: the request did not
 * happen, nothing of it was written, and trying again shortly is the right move for a client.
 */
export class StoreUnavailableError extends GatehouseError {
  /** Which fault it was. */
  readonly fault: StoreFaultReason;

  constructor(fault: StoreFaultReason, options: { cause?: unknown } = {}) {
    super(FAULT_REASONS[fault]);
    this.name = "StoreUnavailableError";
    this.fault = fault;
    if (options.cause !== undefined) this.cause = options.cause;
  }
}
