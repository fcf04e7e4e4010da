/**
 * What every part of the error catalogue is made of: the App Services codes it may send and the
 * shape of one entry. The parts (one module an area) and `../errors.ts`, which joins them, use it.
 */

/**
 * The App Services `error_code` strings Gatehouse sends: names realm-core's table knows (PROTOCOL.md
 * §8.2) where one fits, so every SDK maps them to a typed error.
 */
export const ERROR_CODES = [
  "AccountNameInUse",
  "APIKeyAlreadyExists",
  "APIKeyNotFound",
  "AppNotFound",
  "AuthError",
  "AuthProviderNotFound",
  "BadRequest",
  "DomainNotAllowed",
  "ExecutionTimeLimitExceeded",
  "FunctionExecutionError",
  "FunctionNotFound",
  "InternalServerError",
  "InvalidParameter",
  "InvalidPassword",
  "InvalidSession",
  "MissingAuthReq",
  "MissingParameter",
  "MongoDBError",
  "NotCallable",
  "NotFound",
  /** Gatehouse's own: no realm-core name means "this account must set its password first". */
  "PasswordResetRequired",
  "ServiceNotFound",
  // Not in core's table, and none there fits "the database is down, retry": SDKs see the 503 status.
  "ServiceUnavailable",
  "TooManyRequests",
  "UserAlreadyConfirmed",
  "UserAppDomainMismatch",
  "UserDisabled",
  "UserNotFound",
] as const;

/** One of {@link ERROR_CODES}. */
export type ErrorCode = (typeof ERROR_CODES)[number];

/** What an entry's wording function may answer: the message, or the message with a status or headers. */
export type Wording = string | { message: string; status?: number; headers?: Record<string, string> };

/** One catalogue entry: the code and status it is sent with, and how its message is worded. */
export interface Entry {
  code: ErrorCode;
  status: number;
  message: (...args: never[]) => Wording;
}

/** A 503 wording: clients may try again a second later. */
export function retryLater(message: string): Wording {
  return { message, headers: { "retry-after": "1" } };
}
