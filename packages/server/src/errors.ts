/**
 * The one catalogue of errors Gatehouse reports to a client. Each entry has a stable name — its
 * `reason`, which tests and the audit log use — the App Services `error_code` it is sent with, its
 * HTTP status, and how its message is worded. Services throw `Errors.<reason>(...)`; the HTTP layer
 * turns the error into an `{error, error_code, reason}` body. Callers branch on `reason` or `code`,
 * never on the message.
 *
 * A reason never says more than the message does: where two causes must look the same to a client
 * (an unknown user and a wrong password), they share one entry.
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
type Wording = string | { message: string; status?: number; headers?: Record<string, string> };

interface Entry {
  code: ErrorCode;
  status: number;
  message: (...args: never[]) => Wording;
}

const catalogue = {
  // ---- request shape (bodies are checked by the route schemas first)
  /** A malformed request that no more specific entry describes. Prefer adding a named entry. */
  badRequest: { code: "BadRequest", status: 400, message: (message: string) => message },
  invalidJsonBody: { code: "BadRequest", status: 400, message: (detail: string) => `invalid JSON body: ${detail}` },
  bodyTooDeep: {
    code: "BadRequest",
    status: 400,
    message: (max: number) => `request body nests arrays and objects deeper than ${max} levels`,
  },
  invalidEjson: { code: "BadRequest", status: 400, message: (detail: string) => `invalid EJSON value: ${detail}` },
  /** The body as a whole has the wrong type: one more parameter of the wrong type, as the schemas say. */
  bodyNotObject: { code: "InvalidParameter", status: 400, message: () => "request body must be a JSON object" },
  bodyTooLarge: { code: "BadRequest", status: 413, message: () => "request body too large" },
  unsupportedMediaType: {
    code: "BadRequest",
    status: 415,
    message: (type: string) => `unsupported content type '${type}': send application/json`,
  },
  /** Any other 4xx Fastify itself raised, with Fastify's status. */
  requestRejected: { code: "BadRequest", status: 400, message: (status: number, message: string) => ({ message, status }) },
  /** A field of the wrong type or shape (the route schemas' answer, http/transport.ts). */
  invalidParameter: { code: "InvalidParameter", status: 400, message: (message: string) => message },
  missingParameter: { code: "MissingParameter", status: 400, message: (message: string) => message },
  // What Fastify's router and Node's HTTP parser refuse before a route runs.
  urlParameterTooLong: { code: "BadRequest", status: 414, message: () => "a URL path segment is too long" },
  badUrl: { code: "BadRequest", status: 400, message: () => "the URL is not valid (bad percent-encoding)" },
  headersTooLarge: { code: "BadRequest", status: 431, message: () => "request headers too large" },
  requestTimeout: { code: "BadRequest", status: 408, message: () => "the request did not arrive in time" },
  malformedRequest: { code: "BadRequest", status: 400, message: () => "malformed HTTP request" },
  internalError: { code: "InternalServerError", status: 500, message: () => "internal server error" },
  routeNotFound: { code: "NotFound", status: 404, message: (method: string, path: string) => `no route for ${method} ${path}` },
  notFound: { code: "NotFound", status: 404, message: (message: string = "not found") => message },
  tooManyRequests: {
    code: "TooManyRequests",
    status: 429,
    message: (retryAfterSeconds: number) => ({
      message: "too many requests, try again later",
      headers: { "retry-after": String(retryAfterSeconds) },
    }),
  },

  // ---- apps, origins, providers
  appNotFound: { code: "AppNotFound", status: 404, message: (appId: string) => `cannot find app using Client App ID '${appId}'` },
  domainNotAllowed: { code: "DomainNotAllowed", status: 403, message: (origin: string) => `origin '${origin}' is not allowed` },
  // 403, not 401: the token is valid, so a refresh would not help (core retries any 401 once).
  appMismatch: { code: "UserAppDomainMismatch", status: 403, message: () => "token belongs to another app" },
  providerNotFound: {
    code: "AuthProviderNotFound",
    status: 404,
    message: (name: string) => `authentication via '${name}' is unsupported`,
  },
  providerNotSupported: {
    code: "AuthProviderNotFound",
    status: 404,
    message: (name: string) => `authentication via '${name}' is not supported by this server yet`,
  },

  // ---- authentication of requests (PROTOCOL.md §8.3: InvalidSession makes both SDKs refresh)
  missingAuth: { code: "MissingAuthReq", status: 401, message: () => "must authenticate first" },
  notBearer: { code: "MissingAuthReq", status: 401, message: () => "expected Authorization header with JWT (Bearer schema)." },
  /** An invalid session no more specific entry describes. */
  invalidSession: { code: "InvalidSession", status: 401, message: (message: string = "invalid session") => message },
  tokenMalformed: { code: "InvalidSession", status: 401, message: (typ: string) => `invalid session: malformed ${typ} token` },
  tokenKeyUnknown: { code: "InvalidSession", status: 401, message: () => "invalid session: unknown signing key" },
  tokenInvalid: { code: "InvalidSession", status: 401, message: (typ: string) => `invalid session: invalid ${typ} token` },
  tokenExpired: { code: "InvalidSession", status: 401, message: (typ: string) => `invalid session: ${typ} token expired` },
  tokenWrongType: {
    code: "InvalidSession",
    status: 401,
    message: (typ: string) =>
      typ.endsWith("refresh") ? "invalid refresh token: incorrect token type" : "invalid session: incorrect token type",
  },
  tokenAppUnknown: { code: "InvalidSession", status: 401, message: () => "invalid session: invalid token" },
  /** realm-web swallows a logout error only with exactly this wording (PROTOCOL.md §4.2). */
  sessionNotFound: { code: "InvalidSession", status: 401, message: () => "invalid session: failed to find refresh token" },
  sessionExpired: { code: "InvalidSession", status: 401, message: () => "invalid session: refresh token expired" },
  sessionUserDisabled: { code: "InvalidSession", status: 401, message: () => "invalid session: user disabled" },
  sessionRevoked: { code: "InvalidSession", status: 401, message: () => "invalid session: session revoked" },

  // ---- logins
  /**
   * A failed email/password login (unknown user or wrong password). `unauthorized` is what App Services'
   * later servers said and what core-based SDKs show (docs/protocol-notes.md F8).
   */
  invalidPassword: { code: "InvalidPassword", status: 401, message: () => "unauthorized" },
  /**
   * The same failure on a link (`?link=true`, which carries an access token): realm-web refreshes and
   * retries every 401 `unauthorized` sent to such a request, forever, so a link keeps this wording (F10).
   */
  invalidPasswordOnLink: { code: "InvalidPassword", status: 401, message: () => "invalid username/password" },
  confirmationRequired: { code: "AuthError", status: 401, message: () => "confirmation required" },
  /**
   * An imported email/password account without a password hash (App Services never exported them):
   * 401 like every login failure, with its own code so a client can offer the reset (docs/migration.md).
   */
  /** The admin API's user import reads its body a line at a time, each line at most this long. */
  importLineTooLong: {
    code: "BadRequest",
    status: 413,
    message: (maxBytes: number) => `users import: a line is longer than ${maxBytes} bytes`,
  },
  passwordNotSet: {
    code: "PasswordResetRequired",
    status: 401,
    message: () => "password not set: this account was imported without its password; reset the password to log in",
  },
  userDisabled: { code: "UserDisabled", status: 401, message: () => "user disabled" },
  invalidApiKey: { code: "AuthError", status: 401, message: () => "invalid API key" },
  authFunctionUnavailable: {
    code: "AuthError",
    status: 401,
    message: (name: string) => `custom-function provider: function '${name}' is not available`,
  },
  /** The auth function threw: its message is the answer (PROTOCOL.md §10.1). */
  authFunctionFailed: { code: "AuthError", status: 401, message: (message: string) => message },
  authFunctionBadResult: {
    code: "AuthError",
    status: 401,
    message: () => "custom-function provider: the auth function must return an id string or {id, name}",
  },
  customUserDataUnavailable: {
    code: "MongoDBError",
    status: 503,
    message: () => "custom user data is unavailable, try again later",
  },

  // ---- external tokens: custom JWT, Google and Apple id_tokens (`label` names the token, PROTOCOL.md §7.3)
  jwtMalformed: { code: "AuthError", status: 401, message: (label: string, detail: string) => `${label}: malformed token (${detail})` },
  jwtAlgorithmRefused: { code: "AuthError", status: 401, message: (label: string, detail: string) => `${label}: ${detail}` },
  jwtSignatureInvalid: { code: "AuthError", status: 401, message: (label: string) => `${label}: signature verification failed` },
  jwtExpired: { code: "AuthError", status: 401, message: (label: string) => `${label}: token expired` },
  jwtNotYetValid: { code: "AuthError", status: 401, message: (label: string, detail: string) => `${label}: token ${detail}` },
  jwtAudienceMismatch: { code: "AuthError", status: 401, message: (label: string) => `${label}: audience mismatch` },
  jwtIssuerMismatch: { code: "AuthError", status: 401, message: (label: string) => `${label}: unexpected issuer` },
  jwtSubjectMissing: { code: "AuthError", status: 401, message: (label: string) => `${label}: no 'sub' claim` },
  jwtKeyUnknown: { code: "AuthError", status: 401, message: (label: string) => `${label}: unknown signing key` },
  /** The issuer's key set could not be fetched (down, slow, not a JWK Set): try again later. */
  jwksUnavailable: {
    code: "AuthError",
    status: 503,
    message: (label: string, detail: string) => `${label}: the signing keys could not be fetched (${detail}); try again later`,
  },
  metadataMissing: {
    code: "AuthError",
    status: 401,
    message: (label: string, field: string) => `${label}: required metadata field '${field}' is missing`,
  },
  /** The user's `hd` (Google) or email domain is not in the provider's `domain_restrictions`. */
  userDomainNotAllowed: { code: "AuthError", status: 401, message: (provider: string) => `${provider}: the user's domain is not allowed` },
  /** Facebook's `debug_token` said the token is not valid, or is another app's. */
  facebookTokenInvalid: { code: "AuthError", status: 401, message: (detail: string) => `invalid oauth2-facebook access token: ${detail}` },
  googleOpenIdOff: {
    code: "BadRequest",
    status: 400,
    message: () => "oauth2-google: id_token logins need openId: true in the provider config; send an authCode",
  },
  /** A Google or Apple token endpoint refused the authorization code. */
  authCodeRejected: { code: "AuthError", status: 401, message: (provider: string) => `${provider}: the authorization code was refused` },
  /** A token endpoint, userinfo or the Graph API did not answer in time or answered a server error. */
  identityProviderUnavailable: {
    code: "AuthError",
    status: 503,
    message: (provider: string, detail: string) => `${provider}: the identity provider could not be reached (${detail}); try again later`,
  },
  /** The provider's configuration cannot work (a secret without a value, a bad key): the operator's to fix. */
  providerMisconfigured: {
    code: "InternalServerError",
    status: 500,
    message: (provider: string, detail: string) => `${provider} provider is misconfigured: ${detail}`,
  },

  // ---- the OAuth 2.0 redirect flow (PROTOCOL.md §3.5)
  oauthRedirectOnly: { code: "BadRequest", status: 400, message: (provider: string) => `${provider} has no redirect login` },
  oauthRedirectNotAllowed: {
    code: "BadRequest",
    status: 400,
    message: (redirect: string) => `redirect URL '${redirect}' is not one of the provider's redirect_uris`,
  },
  oauthStateInvalid: { code: "BadRequest", status: 400, message: () => "the OAuth state is missing or was not issued by this server" },
  oauthStateExpired: { code: "BadRequest", status: 400, message: () => "the OAuth state has expired: start the login again" },
  oauthStateUsed: { code: "BadRequest", status: 400, message: () => "the OAuth state was already used: start the login again" },
  oauthProviderDenied: {
    code: "AuthError",
    status: 401,
    message: (detail: string) => `the identity provider refused the login: ${detail}`,
  },
  oauthCodeMissing: { code: "BadRequest", status: 400, message: () => "the identity provider sent no authorization code" },

  // ---- linking (App Services answered 500 for the two illegal combinations; a 400 says it is the caller's)
  linkAnonymousNotAllowed: { code: "BadRequest", status: 400, message: () => "linking an anonymous identity is not allowed" },
  linkSecondUserpassNotAllowed: {
    code: "BadRequest",
    status: 400,
    message: () => "linking a local-userpass identity is not allowed when one is already linked",
  },
  /**
   * Linking an identity another user owns. App Services answered 401 InvalidSession, which makes
   * realm-web refresh and retry forever (docs/protocol-notes.md); 409 ends the call with a clear error.
   */
  identityInUse: { code: "AccountNameInUse", status: 409, message: () => "a user already exists with the specified provider" },

  // ---- users and email/password accounts
  userNotFound: { code: "UserNotFound", status: 404, message: () => "user not found" },
  accountNameInUse: { code: "AccountNameInUse", status: 409, message: () => "name already in use" },
  alreadyConfirmed: { code: "UserAlreadyConfirmed", status: 400, message: () => "already confirmed" },
  /** `confirm/call` on an app that confirms automatically; App Services checked it before "already confirmed" (F11). */
  autoConfirmEnabled: {
    code: "BadRequest",
    status: 400,
    message: (email: string) => `cannot run confirmation for ${email}: automatic confirmation is enabled`,
  },
  /** `reset/send` on an app that resets passwords through a function (F11). */
  resetByFunction: { code: "BadRequest", status: 400, message: () => "please use reset password via function" },
  invalidToken: { code: "BadRequest", status: 400, message: () => "invalid token data" },
  passwordLength: { code: "BadRequest", status: 400, message: () => "password must be between 6 and 128 characters" },
  emailLength: { code: "InvalidParameter", status: 400, message: () => "email must be 1 to 256 characters" },
  emailInvalid: { code: "InvalidParameter", status: 400, message: () => "email is not a valid address" },
  mailFailed: { code: "InternalServerError", status: 500, message: () => "the mail could not be sent; try again later" },
  /**
   * Raised before any lookup, so it says nothing about whether the address has an account. A 400 like
   * `userpassSettingMissing`: the request cannot succeed on this set-up, whoever retries it.
   */
  mailNotConfigured: { code: "BadRequest", status: 400, message: () => "this server is not configured to send mail" },
  userpassSettingMissing: {
    code: "BadRequest",
    status: 400,
    message: (setting: string) => `the app's local-userpass provider has no ${setting}`,
  },
  flowFunctionsUnavailable: {
    code: "BadRequest",
    status: 400,
    message: () => "confirmation functions are not available on this server",
  },
  confirmNotByFunction: { code: "BadRequest", status: 400, message: () => "the app does not confirm users by function" },
  resetNotByFunction: { code: "BadRequest", status: 400, message: () => "the app does not reset passwords by function" },
  flowFunctionUnavailable: { code: "BadRequest", status: 400, message: (name: string) => `function '${name}' is not available` },
  flowFunctionBadResult: {
    code: "FunctionExecutionError",
    status: 400,
    message: (name: string) => `function '${name}' must return {status: "success" | "pending" | "fail"}`,
  },
  confirmFailed: { code: "BadRequest", status: 400, message: (email: string) => `failed to confirm user "${email}"` },
  resetFailed: { code: "BadRequest", status: 400, message: (email: string) => `failed to reset password for user "${email}"` },

  // ---- user API keys (PROTOCOL.md §9)
  apiKeyNameInvalid: {
    code: "InvalidParameter",
    status: 400,
    message: () => "API key name must be 1 to 64 characters of [A-Za-z0-9_-]",
  },
  apiKeyNotFound: { code: "APIKeyNotFound", status: 404, message: () => "API key not found" },
  apiKeyAlreadyExists: {
    code: "APIKeyAlreadyExists",
    status: 409,
    message: (name: string) => `API key with name '${name}' already exists`,
  },
  /**
   * App Services answered 403 (an SDK user saw "Client Error: 403", mongodb.com forum thread 281939); its
   * body had no code core could read, so the code here is Gatehouse's pick.
   */
  apiKeyAnonymousUser: { code: "AuthError", status: 403, message: () => "anonymous users cannot create API keys" },
  apiKeyLimit: { code: "BadRequest", status: 400, message: (max: number) => `a user can have at most ${max} API keys` },

  // ---- the operator console's static files (/console/)
  consoleNotInstalled: {
    code: "NotFound",
    status: 404,
    message: () => "the console is not installed on this server (build packages/console)",
  },
  consoleFileNotFound: { code: "NotFound", status: 404, message: (path: string) => `no console file '${path}'` },

  // ---- functions (PROTOCOL.md §6.1; the classes in functions/errors.ts use these entries)
  functionNotFound: { code: "FunctionNotFound", status: 404, message: (name: string) => `function not found: '${name}'` },
  functionHasNoSource: {
    code: "FunctionNotFound",
    status: 404,
    message: (name: string) => `function not found: '${name}' (no source)`,
  },
  functionExecutionError: { code: "FunctionExecutionError", status: 400, message: (message: string) => message },
  /** realm-kotlin's tests, run against the real service, saw exactly this code and wording. */
  functionRuleNotMatched: {
    code: "FunctionExecutionError",
    status: 400,
    message: (name: string) => `rule not matched for function "${name}"`,
  },
  functionNotCallable: {
    code: "NotCallable",
    status: 403,
    message: (name: string) => `function '${name}' is private and cannot be called by clients`,
  },
  functionTimeLimit: {
    code: "ExecutionTimeLimitExceeded",
    status: 400,
    message: (limitMs: number) => `execution time limit exceeded (${limitMs} ms)`,
  },
  /** Arguments, result, a service payload or an HTTP body over `functions.maxValueBytes`. */
  functionValueTooLarge: { code: "FunctionExecutionError", status: 400, message: (message: string) => message },
  /** The app's VM ran out of its memory (`functions.memoryLimitMb`). */
  functionMemoryLimit: { code: "FunctionExecutionError", status: 400, message: (message: string) => message },
  /** The call's worker thread died or stopped answering and was replaced. */
  functionWorkerFailed: { code: "FunctionExecutionError", status: 400, message: (message: string) => message },
  /** Too many calls of one app or user waiting for a slot (`functions.maxQueuedPerApp`). */
  functionQueueFull: { code: "FunctionExecutionError", status: 400, message: (message: string) => message },
  functionCallEncoding: { code: "BadRequest", status: 400, message: () => "baas_request must be base64 of a JSON function call" },
  serviceNotFound: { code: "ServiceNotFound", status: 404, message: (name: string) => `service not found: '${name}'` },

  // ---- admin API (PROTOCOL.md §11)
  /** Admin login with an unknown username or a wrong private key: one answer for both, no oracle. */
  adminKeyInvalid: { code: "AuthError", status: 401, message: () => "invalid username or API key" },
  /** An admin route called with anything but a live admin access token (a client token included). */
  adminTokenInvalid: {
    code: "InvalidSession",
    status: 401,
    message: (message: string = "invalid session: invalid admin token") => message,
  },
  groupNotFound: { code: "NotFound", status: 404, message: (groupId: string) => `group '${groupId}' not found` },
  adminAppNotFound: { code: "AppNotFound", status: 404, message: (appId: string) => `app '${appId}' not found` },
  /** An id that is not a 24-hex ObjectId. */
  malformedId: { code: "InvalidParameter", status: 400, message: (what: string) => `${what} must be a 24-character hex ObjectId` },
  idPrefixInvalid: { code: "InvalidParameter", status: 400, message: () => "'id' must be a prefix of a 24-character hex id" },
  timeFilterInvalid: {
    code: "InvalidParameter",
    status: 400,
    message: (field: string) => `'${field}' must be seconds since the epoch or an ISO 8601 date`,
  },
  resetEmailInvalid: {
    code: "InvalidParameter",
    status: 400,
    message: () => "email must be a valid address of 1 to 128 characters",
  },
  noUserpassIdentity: { code: "BadRequest", status: 400, message: () => "the user has no local-userpass identity" },
  /** `verify_token` of a token the app did not sign, or whose session ended (App Services' wording). */
  tokenSignatureInvalid: { code: "InvalidSession", status: 401, message: () => "signature is invalid" },
  serverApiKeyLimit: { code: "BadRequest", status: 400, message: (max: number) => `an app can have at most ${max} server API keys` },
  adminProviderNotFound: { code: "AuthProviderNotFound", status: 404, message: (id: string) => `auth provider '${id}' not found` },
  refreshExpirationRange: {
    code: "InvalidParameter",
    status: 400,
    message: (min: number, max: number) => `expiration_time_seconds must be an integer from ${min} to ${max}`,
  },
  logCursorInvalid: { code: "InvalidParameter", status: 400, message: () => "'after' must be the _id of an audit event" },
  operatorKeyNotFound: { code: "NotFound", status: 404, message: (which: string) => `no operator key '${which}'` },
  operatorKeyNameInvalid: {
    code: "InvalidParameter",
    status: 400,
    message: () => "key name must be 1 to 64 characters of [A-Za-z0-9_.@-]",
  },
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

/** A 503 wording: clients may try again a second later. */
function retryLater(message: string): Wording {
  return { message, headers: { "retry-after": "1" } };
}

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
