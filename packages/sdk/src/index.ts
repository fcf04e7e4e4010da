/**
 * `@gatehouse/sdk`: realm-web's user API for Gatehouse, in browsers and Node.
 *
 * Migrating from realm-web: change `from "realm-web"` to `from "@gatehouse/sdk"` and set `baseUrl`.
 *
 * @example
 * import { App, Credentials } from "@gatehouse/sdk";
 * const app = new App({ id: "todo-gatehouse", baseUrl: "https://auth.example.com" });
 * const user = app.currentUser ?? (await app.logIn(Credentials.anonymous()));
 */
export * as BSON from "bson";
export { App } from "./app.js";
export type { AppConfiguration } from "./app-config.js";
export { ApiKeyAuth, type ApiKey } from "./api-keys.js";
export {
  Credentials,
  type AnonymousPayload,
  type ApiKeyPayload,
  type ApplePayload,
  type EmailPasswordPayload,
  type FacebookPayload,
  type FunctionPayload,
  type GoogleAuthCodePayload,
  type GoogleIdTokenPayload,
  type GoogleOptions,
  type GooglePayload,
  type JWTPayload,
  type OAuth2RedirectPayload,
  type ProviderType,
} from "./credentials.js";
export type { LocalAppConfiguration } from "./device.js";
export type { NumberDecoding } from "./ejson.js";
export {
  EmailPasswordAuth,
  type CallResetPasswordFunctionDetails,
  type ConfirmUserDetails,
  type RegisterUserDetails,
  type ResendConfirmationDetails,
  type ResetPasswordDetails,
  type RetryCustomConfirmationDetails,
  type SendResetPasswordDetails,
} from "./email-password-auth.js";
export { ClientError, ClientErrorCode, GatehouseError, MongoDBRealmError } from "./errors.js";
export type { AppChangeCallback, AppChangeEvent, LogoutReason, UserChangeCallback, UserChangeEvent } from "./events.js";
export type { BaseFunctionsFactory, DefaultFunctionsFactory, RealmFunction } from "./functions.js";
export type { Clock } from "./session/clock.js";
export { LocalStorage } from "./storage/local-storage.js";
export { MemoryStorage } from "./storage/memory.js";
export { ListenedStorage, PrefixedStorage, type Storage, type StorageChangeListener } from "./storage/storage.js";
export type { FetchFunction } from "./transport/fetcher.js";
export { UserState } from "./user-host.js";
export { UserType, type DefaultUserProfileData, type UserIdentity } from "./user-profile.js";
export { User } from "./user.js";
export { SDK_VERSION } from "./version.js";

import { App } from "./app.js";
import { storeRedirectResult } from "./oauth2.js";
import { defaultStorage } from "./storage/default.js";
import type { Storage } from "./storage/storage.js";

/**
 * Returns the app with this id, creating it on first call. Same as `App.getApp(id)`.
 *
 * @example
 * const app = getApp("todo-gatehouse");
 */
export function getApp(id: string): App {
  return App.getApp(id);
}

/**
 * Call on the page the OAuth 2.0 redirect flow returns to (the `redirectUrl` given to
 * `Credentials.google/apple/facebook`): hands the login result in the URL fragment to the window that
 * started the login, through the storage both share (the default `localStorage` unless given).
 *
 * @param storage - The storage the opener's `App` uses (default: the default storage).
 * @param fragment - The fragment to read (default: `location.hash`).
 * @throws ClientError `ClientOAuthFailed` when the fragment holds no result.
 * @example
 * // On https://example.com/oauth-done:
 * handleAuthRedirect();
 */
export function handleAuthRedirect(storage: Storage = defaultStorage(), fragment?: string): void {
  const hash = fragment ?? (globalThis as { location?: { hash?: string } }).location?.hash ?? "";
  storeRedirectResult(hash, storage);
}
