/**
 * The entry point: an `App` talks to one Gatehouse (or App Services) app, logs users in, and keeps the
 * users of this device — restored from the storage cache when it is constructed, with no network call.
 * Same shape as realm-web's `App`.
 */
import { authenticate } from "./authenticator.js";
import { Credentials } from "./credentials.js";
import { resolveBaseUrl, type AppConfiguration } from "./app-config.js";
import { deviceInformation, isDeviceId, type LocalAppConfiguration } from "./device.js";
import { EmailPasswordAuth } from "./email-password-auth.js";
import { ClientError, ClientErrorCode } from "./errors.js";
import { Listeners, type AppChangeCallback, type AppChangeEvent, type UserChangeEvent } from "./events.js";
import type { BaseFunctionsFactory, DefaultFunctionsFactory } from "./functions.js";
import { ServerClock, systemClock } from "./session/clock.js";
import { AppStorage } from "./storage/app-storage.js";
import { defaultStorage } from "./storage/default.js";
import { Fetcher, readJson } from "./transport/fetcher.js";
import { authRoutes } from "./transport/routes.js";
import type { UserHost } from "./user-host.js";
import { parseProfile, type ProfileSnapshot } from "./user-profile.js";
import { User } from "./user.js";

type SimpleObject = Record<string, unknown>;

/**
 * An app on a Gatehouse server.
 *
 * @example
 * const app = new App({ id: "todo-gatehouse", baseUrl: "https://auth.example.com" });
 * const user = app.currentUser ?? (await app.logIn(Credentials.anonymous()));
 */
export class App<FunctionsFactoryType = DefaultFunctionsFactory & BaseFunctionsFactory, CustomDataType = SimpleObject> {
  private static readonly appCache = new Map<string, App<any, any>>();

  /**
   * Returns the app with this id, creating it on first call (with default configuration).
   *
   * @example
   * const app = App.getApp("todo-gatehouse");
   */
  static getApp(id: string): App {
    let app = App.appCache.get(id);
    if (!app) App.appCache.set(id, (app = new App(id)));
    return app;
  }

  /** Credential factories, also reachable as `App.Credentials`. */
  static readonly Credentials = Credentials;

  /** The client app id. */
  readonly id: string;
  /** The server's base URL. */
  readonly baseUrl: string;
  /** Email/password account operations. */
  readonly emailPasswordAuth: EmailPasswordAuth;

  private readonly fetcher: Fetcher;
  private readonly cache: AppStorage;
  private readonly host: UserHost;
  private readonly localApp: LocalAppConfiguration | undefined;
  private readonly listeners = new Listeners<AppChangeEvent<User<FunctionsFactoryType, CustomDataType>>>();
  /** Users of this device, most recently logged in or switched to first. */
  private users: User<FunctionsFactoryType, CustomDataType>[] = [];

  /**
   * Creates the app and restores the cached users (no network call).
   *
   * @param idOrConfiguration - The client app id, or a configuration.
   */
  constructor(idOrConfiguration: string | AppConfiguration) {
    const config = typeof idOrConfiguration === "string" ? { id: idOrConfiguration } : idOrConfiguration;
    if (typeof config?.id !== "string" || config.id === "") {
      throw new ClientError(ClientErrorCode.InvalidArgument, "Missing an app id");
    }
    this.id = config.id;
    this.baseUrl = resolveBaseUrl(config.baseUrl);
    this.localApp = config.app;
    const numbers = config.numberDecoding ?? "native";
    this.fetcher = new Fetcher({
      appId: this.id,
      baseUrl: this.baseUrl,
      skipLocationRequest: config.skipLocationRequest ?? false,
      fetch: config.fetch ?? ((url, init) => globalThis.fetch(url, init)),
      numbers,
    });
    const storage = config.storage ?? defaultStorage();
    this.cache = new AppStorage(storage, this.id);
    const cache = this.cache;
    const clock = new ServerClock(config.clock ?? systemClock, cache.getClockOffset(), (offset) => cache.setClockOffset(offset));
    this.host = {
      appId: this.id,
      fetcher: this.fetcher,
      clock,
      numbers,
      deviceInformation: () => deviceInformation(this.localApp, cache.getDeviceId()),
      storage,
      storedDeviceId: () => cache.getDeviceId(),
      userChanged: (user, event) => this.userChanged(user as User<FunctionsFactoryType, CustomDataType>, event),
    };
    this.emailPasswordAuth = new EmailPasswordAuth(this.fetcher);
    this.hydrate();
  }

  /** The most recent logged-in user (logged in or switched to), or null. */
  get currentUser(): User<FunctionsFactoryType, CustomDataType> | null {
    return this.users.find((user) => user.isLoggedIn) ?? null;
  }

  /**
   * All users of this device by id: logged-in users first (most recent first), then logged-out users.
   */
  get allUsers(): Readonly<Record<string, User<FunctionsFactoryType, CustomDataType>>> {
    const ordered = [...this.users.filter((u) => u.isLoggedIn), ...this.users.filter((u) => !u.isLoggedIn)];
    return Object.fromEntries(ordered.map((user) => [user.id, user]));
  }

  /** The hostname requests go to, from the server's `/location` answer. */
  get locationUrl(): Promise<string> {
    return this.fetcher.locationUrl;
  }

  /**
   * Logs a user in and makes it the current user. An anonymous credential (with `reuse`, the default)
   * returns the anonymous user already logged in on this device without a network call.
   *
   * @param credentials - What to log in with.
   * @param fetchProfile - Fetch the profile as part of the login (default true). If that fails, the
   *   login fails, as in realm-core.
   * @example
   * const user = await app.logIn(Credentials.emailPassword("ada@example.com", "s3cret!"));
   */
  async logIn(credentials: Credentials, fetchProfile = true): Promise<User<FunctionsFactoryType, CustomDataType>> {
    if (credentials.reuse) {
      const existing = this.users.find(
        (u) => u.isLoggedIn && u.providerType === credentials.providerType && (u.isAnonymous || credentials.providerType !== "anon-user"),
      );
      if (existing) {
        this.switchUser(existing);
        if (fetchProfile && !existing.hasProfile) await existing.refreshProfile();
        return existing;
      }
    }
    const response = await authenticate(this.fetcher, credentials, this.host.deviceInformation(), undefined, {
      storage: this.host.storage,
    });
    let profile: ProfileSnapshot | undefined;
    if (fetchProfile) {
      try {
        profile = await this.fetchProfile(response.accessToken);
      } catch (err) {
        // Do not leave an orphan session behind on the server; best effort.
        if (response.refreshToken) {
          this.fetcher.fetch({ method: "DELETE", path: authRoutes.session, token: response.refreshToken }).catch(() => {});
        }
        throw err;
      }
    }
    let user = this.users.find((u) => u.id === response.userId);
    if (!user) {
      if (response.refreshToken === null) {
        throw new ClientError(ClientErrorCode.InvalidServerResponse, "No refresh token in login response");
      }
      user = this.createUser(response.userId, credentials.providerType, undefined);
    }
    user.acceptLogin(response.accessToken, response.refreshToken, profile);
    if (isDeviceId(response.deviceId)) this.cache.setDeviceId(response.deviceId);
    this.moveToFront(user);
    this.listeners.emit({ type: "loggedIn", user });
    return user;
  }

  /**
   * Makes a logged-in user the current user.
   *
   * @throws ClientError `ClientUserNotFound` (not a user of this app) or `ClientUserNotLoggedIn`.
   * @example
   * app.switchUser(app.allUsers[otherId]!);
   */
  switchUser(user: User<FunctionsFactoryType, CustomDataType>): void {
    this.requireMember(user);
    if (!user.isLoggedIn) throw new ClientError(ClientErrorCode.UserNotLoggedIn, "Cannot switch to a logged-out user");
    this.moveToFront(user);
    this.listeners.emit({ type: "switchedUser", user });
  }

  /**
   * Logs a user out and removes it (and its cache) from this device. The account stays on the server.
   *
   * @example
   * await app.removeUser(user);
   */
  async removeUser(user: User<FunctionsFactoryType, CustomDataType>): Promise<void> {
    this.requireMember(user);
    try {
      await user.logOut();
    } finally {
      this.forget(user);
    }
  }

  /**
   * Deletes the user's account on the server, then removes it from this device.
   *
   * @example
   * await app.deleteUser(app.currentUser!);
   */
  async deleteUser(user: User<FunctionsFactoryType, CustomDataType>): Promise<void> {
    this.requireMember(user);
    await user.fetchAsUser({ method: "DELETE", path: authRoutes.delete }, "access");
    // The server revoked every session of the user: no logout request needed.
    user.endSession("userDeleted");
    this.forget(user);
    this.listeners.emit({ type: "deletedUser", user });
  }

  /**
   * Adds a listener for app changes: logins, user switches, removals, and every user's own events.
   *
   * @example
   * app.addListener((event) => render(app.currentUser));
   */
  addListener(callback: AppChangeCallback<User<FunctionsFactoryType, CustomDataType>>): void {
    this.listeners.add(callback);
  }

  /** Removes a listener added with {@link addListener}. */
  removeListener(callback: AppChangeCallback<User<FunctionsFactoryType, CustomDataType>>): void {
    this.listeners.remove(callback);
  }

  /** Removes every listener of this app. */
  removeAllListeners(): void {
    this.listeners.clear();
  }

  private hydrate(): void {
    for (const id of this.cache.getUserIds()) {
      const cached = this.cache.user(id).read();
      // An entry without a provider type is damaged; skip it (realm-web wipes the whole cache instead).
      if (!cached.providerType) continue;
      this.users.push(this.createUser(id, cached.providerType as Credentials["providerType"], cached.profile));
    }
  }

  private createUser(id: string, providerType: Credentials["providerType"], profile: ProfileSnapshot | undefined) {
    return new User<FunctionsFactoryType, CustomDataType>({
      app: this,
      host: this.host,
      id,
      providerType,
      storage: this.cache.user(id),
      ...(profile ? { profile } : {}),
    });
  }

  private async fetchProfile(accessToken: string): Promise<ProfileSnapshot> {
    const response = await this.fetcher.fetch({ method: "GET", path: authRoutes.profile, token: accessToken });
    return parseProfile(await readJson(response), this.host.numbers);
  }

  private moveToFront(user: User<FunctionsFactoryType, CustomDataType>): void {
    this.users = [user, ...this.users.filter((u) => u !== user)];
    this.cache.setUserIds(this.users.map((u) => u.id));
  }

  /** Removes a user from the list and the cache; safe to call twice. */
  private forget(user: User<FunctionsFactoryType, CustomDataType>): void {
    if (!this.users.includes(user)) return;
    this.users = this.users.filter((u) => u !== user);
    this.cache.setUserIds(
      this.users.map((u) => u.id),
      [user.id],
    );
    user.markRemoved();
    this.listeners.emit({ type: "removedUser", user });
  }

  private userChanged(user: User<FunctionsFactoryType, CustomDataType>, event: UserChangeEvent): void {
    this.listeners.emit({ type: "userChanged", user, event });
    // An anonymous user cannot log in again once logged out: drop it, as realm-core does.
    if (event.type === "loggedOut" && user.isAnonymous) this.forget(user);
  }

  private requireMember(user: User<FunctionsFactoryType, CustomDataType>): void {
    if (!this.users.includes(user)) {
      throw new ClientError(ClientErrorCode.UserNotFound, "The user is not a user of this app (or was removed)");
    }
  }
}
