/**
 * The operator's side: the admin API, its user import, and the console's static files.
 * Part of the one catalogue that `../errors.ts` assembles; see there for what an entry is.
 */
import type { Entry } from "./entry.js";

export const adminErrors = {
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
  /** A user id of the wrong form: ids are 24-hex, or an imported user's own id (ids.ts USER_ID_PATTERN). */
  malformedUserId: {
    code: "InvalidParameter",
    status: 400,
    message: (what: string) => `${what} must be a user id: 1 to 64 characters of A-Z a-z 0-9 _ -`,
  },
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
  adminProviderNotServed: {
    code: "InvalidParameter",
    status: 400,
    message: (name: string, type: string) =>
      `auth provider '${name}' is of type '${type}', which this server does not serve: it cannot be enabled`,
  },
  refreshExpirationRange: {
    code: "InvalidParameter",
    status: 400,
    message: (min: number, max: number) => `expiration_time_seconds must be an integer from ${min} to ${max}`,
  },
  logCursorInvalid: { code: "InvalidParameter", status: 400, message: () => "'after' must be the _id of an audit event" },
  logStatsRangeEmpty: { code: "InvalidParameter", status: 400, message: () => "'end_date' must be after 'start_date'" },
  logStatsRangeTooLong: {
    code: "InvalidParameter",
    status: 400,
    message: (max: number, bucket: string) => `the range spans more than ${max} buckets of one ${bucket}: narrow it or use a larger bucket`,
  },
  operatorKeyNotFound: { code: "NotFound", status: 404, message: (which: string) => `no operator key '${which}'` },
  operatorKeyNameInvalid: {
    code: "InvalidParameter",
    status: 400,
    message: () => "key name must be 1 to 64 characters of [A-Za-z0-9_.@-]",
  },

  // ---- the admin API's user import
  /** The admin API's user import reads its body a line at a time, each line at most this long. */
  importLineTooLong: {
    code: "BadRequest",
    status: 413,
    message: (maxBytes: number) => `users import: a line is longer than ${maxBytes} bytes`,
  },

  // ---- the operator console's static files (/console/)
  consoleNotInstalled: {
    code: "NotFound",
    status: 404,
    message: () => "the console is not installed on this server (build packages/console)",
  },
  consoleFileNotFound: { code: "NotFound", status: 404, message: (path: string) => `no console file '${path}'` },
} satisfies Record<string, Entry>;
