/**
 * Every error Gatehouse reports to a client, with its App Services `error_code` and HTTP status.
 * Services throw these; the HTTP layer turns them into `{error, error_code}` bodies. Callers branch on
 * `code`, never on the message.
 */
export class GatehouseError extends Error {
  /** App Services `error_code` (a name realm-core recognises where one fits). */
  readonly code: string;
  /** HTTP status sent with the error body. */
  readonly status: number;
  /** Extra response headers (e.g. `retry-after`). */
  readonly headers: Record<string, string>;

  constructor(code: string, status: number, message: string, headers: Record<string, string> = {}) {
    super(message);
    this.name = "GatehouseError";
    this.code = code;
    this.status = status;
    this.headers = headers;
  }
}

/** Constructors for the errors the protocol names (PROTOCOL.md §8.2). */
export const Errors = {
  badRequest: (message: string) => new GatehouseError("BadRequest", 400, message),
  invalidParameter: (message: string) => new GatehouseError("InvalidParameter", 400, message),
  missingParameter: (message: string) => new GatehouseError("MissingParameter", 400, message),
  unsupportedMediaType: (type: string) =>
    new GatehouseError("BadRequest", 415, `unsupported content type '${type}': send application/json`),
  appNotFound: (appId: string) => new GatehouseError("AppNotFound", 404, `cannot find app using Client App ID '${appId}'`),
  notFound: (message = "not found") => new GatehouseError("NotFound", 404, message),
  providerNotFound: (name: string) => new GatehouseError("AuthProviderNotFound", 404, `authentication via '${name}' is unsupported`),
  providerNotSupported: (name: string) =>
    new GatehouseError("AuthProviderNotFound", 404, `authentication via '${name}' is not supported by this server yet`),
  invalidSession: (message = "invalid session") => new GatehouseError("InvalidSession", 401, message),
  missingAuth: () => new GatehouseError("MissingAuthReq", 401, "must authenticate first"),
  invalidPassword: () => new GatehouseError("InvalidPassword", 401, "invalid username/password"),
  confirmationRequired: () => new GatehouseError("AuthError", 401, "confirmation required"),
  userDisabled: () => new GatehouseError("UserDisabled", 401, "user disabled"),
  accountNameInUse: () => new GatehouseError("AccountNameInUse", 409, "name already in use"),
  /**
   * Linking an identity another user owns. App Services answered 401 InvalidSession, which makes
   * realm-web refresh and retry forever (docs/protocol-notes.md); 409 ends the call with a clear error.
   */
  identityInUse: () => new GatehouseError("AccountNameInUse", 409, "a user already exists with the specified provider"),
  userNotFound: () => new GatehouseError("UserNotFound", 404, "user not found"),
  alreadyConfirmed: () => new GatehouseError("UserAlreadyConfirmed", 400, "already confirmed"),
  invalidToken: () => new GatehouseError("BadRequest", 400, "invalid token data"),
  passwordLength: () => new GatehouseError("BadRequest", 400, "password must be between 6 and 128 characters"),
  domainNotAllowed: (origin: string) => new GatehouseError("DomainNotAllowed", 403, `origin '${origin}' is not allowed`),
  // 403, not 401: the token is valid, so a refresh would not help (core retries any 401 once).
  appMismatch: () => new GatehouseError("UserAppDomainMismatch", 403, "token belongs to another app"),
  tooManyRequests: (retryAfterSeconds: number) =>
    new GatehouseError("TooManyRequests", 429, "too many requests, try again later", {
      "retry-after": String(retryAfterSeconds),
    }),
  mailFailed: () => new GatehouseError("InternalServerError", 500, "the mail could not be sent; try again later"),
} as const;
