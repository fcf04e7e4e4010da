/**
 * Logins with the app's providers, and linking an identity to a logged-in user.
 * Part of the one catalogue that `../errors.ts` assembles; see there for what an entry is.
 */
import type { Entry } from "./entry.js";

export const loginErrors = {
  // ---- logins
  /**
   * A failed email/password login (unknown user or wrong password). `unauthorized` is what App Services'
   * later servers said and what core-based SDKs show (docs/protocol-notes.md F10).
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
} satisfies Record<string, Entry>;
