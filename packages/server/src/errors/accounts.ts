/**
 * Users, email/password accounts and their confirmation and reset flows, and user API keys.
 * Part of the one catalogue that `../errors.ts` assembles; see there for what an entry is.
 */
import type { Entry } from "./entry.js";

export const accountErrors = {
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
} satisfies Record<string, Entry>;
