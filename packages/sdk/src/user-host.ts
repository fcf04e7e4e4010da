/**
 * The user's state, and the wiring between a user and its app. `UserHost` and `UserInit` are internal:
 * users are created by `App`.
 */
import type { Storage } from "./storage/storage.js";
import type { App } from "./app.js";
import type { ProviderType } from "./credentials.js";
import type { NumberDecoding } from "./ejson.js";
import type { UserChangeEvent } from "./events.js";
import type { ServerClock } from "./session/clock.js";
import type { UserStorage } from "./storage/app-storage.js";
import type { Fetcher } from "./transport/fetcher.js";
import type { ProfileSnapshot } from "./user-profile.js";
import type { User } from "./user.js";

/** The state of a user within the app. */
export enum UserState {
  /** Logged in: has a refresh token (the access token may be refreshed on demand). */
  Active = "active",
  /** Logged out; still listed in `app.allUsers` until removed. */
  LoggedOut = "logged-out",
  /** Removed from the app and from the device cache. */
  Removed = "removed",
}

/**
 * What a user needs from its app. Not part of the public API: users are created by `App`.
 */
export interface UserHost {
  /** Client app id. */
  readonly appId: string;
  /** Sends requests. */
  readonly fetcher: Fetcher;
  /** Server time estimate. */
  readonly clock: ServerClock;
  /** Number decoding mode. */
  readonly numbers: NumberDecoding;
  /** @returns The login device information. */
  deviceInformation(): Record<string, unknown>;
  /** The app's root storage (the OAuth redirect page hands its result back through it). */
  readonly storage: Storage;
  /** @returns The device id stored for the app, if any. */
  storedDeviceId(): string | null;
  /** Told about every user event (the app forwards them and removes logged-out anonymous users). */
  userChanged(user: User<any, any, any>, event: UserChangeEvent): void;
}

/** How `App` creates a user. Not part of the public API. */
export interface UserInit<F, C> {
  /** The owning app. */
  app: App<F, C>;
  /** The app's internals. */
  host: UserHost;
  /** User id. */
  id: string;
  /** Provider type of the login that created the user here. */
  providerType: ProviderType;
  /** The user's cache entries. */
  storage: UserStorage;
  /** Cached profile, if any. */
  profile?: ProfileSnapshot;
}
