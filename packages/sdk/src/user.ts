/**
 * A user of the app on this device: its session, profile and custom data, and what it can do (call
 * functions, manage API keys, link identities, log out). Same shape as realm-web's `User`.
 */
import { ApiKeyAuth } from "./api-keys.js";
import type { App } from "./app.js";
import { authenticate } from "./authenticator.js";
import type { Credentials, ProviderType } from "./credentials.js";
import { decode } from "./ejson.js";
import { ClientError, ClientErrorCode, isUnauthorized } from "./errors.js";
import { Listeners, type LogoutReason, type UserChangeCallback, type UserChangeEvent } from "./events.js";
import { createFunctionsFactory, type BaseFunctionsFactory, type DefaultFunctionsFactory } from "./functions.js";
import { NO_DEVICE_ID } from "./device.js";
import { UserSession } from "./session/user-session.js";
import type { UserStorage } from "./storage/app-storage.js";
import { readJson } from "./transport/fetcher.js";
import type { Requester } from "./transport/requester.js";
import { authRoutes } from "./transport/routes.js";
import { UserState, type UserHost, type UserInit } from "./user-host.js";
import { isAnonymousProfile, parseProfile, type DefaultUserProfileData, type ProfileSnapshot, type UserIdentity } from "./user-profile.js";
import type { FetchResponse } from "./transport/fetch-types.js";

type SimpleObject = Record<string, unknown>;

/**
 * A user of the app on this device.
 *
 * @example
 * const user = await app.logIn(Credentials.anonymous());
 * console.log(user.id, user.state, user.profile, user.customData);
 * await user.logOut();
 */
export class User<
  FunctionsFactoryType = DefaultFunctionsFactory,
  CustomDataType = SimpleObject,
  UserProfileDataType = DefaultUserProfileData,
> {
  /** The app this user belongs to. */
  readonly app: App<FunctionsFactoryType, CustomDataType>;
  /** The user's id (24-hex). */
  readonly id: string;
  /** Provider type of the login that created this user on the device. */
  readonly providerType: ProviderType;
  /**
   * Server functions, callable by name: `await user.functions.sum(1, 2)`.
   */
  readonly functions: FunctionsFactoryType & BaseFunctionsFactory;
  /** The user's API keys. */
  readonly apiKeys: ApiKeyAuth;

  private readonly host: UserHost;
  private readonly session: UserSession;
  private readonly cache: UserStorage;
  private readonly requester: Requester;
  private readonly listeners = new Listeners<UserChangeEvent>();
  private profileSnapshot: ProfileSnapshot | undefined;
  private customDataCache: { token: string; value: unknown } | null = null;
  private removed = false;

  /**
   * Users are created by `App` (login, or restore from the cache); do not construct them yourself.
   *
   * @param init - Internal wiring.
   */
  constructor(init: UserInit<FunctionsFactoryType, CustomDataType>) {
    this.app = init.app;
    this.host = init.host;
    this.id = init.id;
    this.providerType = init.providerType;
    this.cache = init.storage;
    this.profileSnapshot = init.profile;
    this.session = new UserSession(init.host.fetcher, init.host.clock, init.storage, {
      onAccessTokenRefreshed: () => this.emit({ type: "accessTokenRefreshed" }),
      onSessionEnded: (reason, error) => this.emit({ type: "loggedOut", reason, error }),
    });
    this.requester = {
      appId: init.host.appId,
      numbers: init.host.numbers,
      fetch: (request, tokenType) => this.session.fetch(request, tokenType),
    };
    this.apiKeys = new ApiKeyAuth(this.requester);
    this.functions = createFunctionsFactory<FunctionsFactoryType>(this.requester);
  }

  /**
   * The access token (short-lived), or null when logged out. Settable as in realm-web: a token that is
   * not (or no longer) good makes the next request refresh first; null clears it.
   */
  get accessToken(): string | null {
    return this.session.accessToken;
  }

  set accessToken(token: string | null) {
    this.session.assignAccessToken(token);
  }

  /**
   * The refresh token (long-lived), or null when logged out. Settable as in realm-web; setting null
   * leaves the user logged out on this device (the server's session is not ended: use `logOut()` for that).
   */
  get refreshToken(): string | null {
    return this.session.refreshToken;
  }

  set refreshToken(token: string | null) {
    this.session.assignRefreshToken(token);
  }

  /** `active`, `logged-out` or `removed`. */
  get state(): UserState {
    if (this.removed) return UserState.Removed;
    return this.session.refreshToken === null ? UserState.LoggedOut : UserState.Active;
  }

  /** Whether the user is logged in (state `active`). */
  get isLoggedIn(): boolean {
    return this.state === UserState.Active;
  }

  /**
   * Custom user data, read from the access token's `user_data` claim and EJSON-decoded (realm-web
   * returns the raw JSON). `{}` when the app has none for this user, or the user is logged out.
   */
  get customData(): CustomDataType {
    const token = this.session.accessToken;
    const claims = this.session.claims;
    if (!token || !claims) return {} as CustomDataType;
    if (this.customDataCache?.token !== token) {
      this.customDataCache = { token, value: decode(claims.user_data ?? {}, this.host.numbers) };
    }
    return this.customDataCache.value as CustomDataType;
  }

  /**
   * Profile metadata (name, email, ...), from the last profile fetch (cached on the device).
   *
   * @throws ClientError `ClientProfileNotFetched` if no profile was ever fetched.
   */
  get profile(): UserProfileDataType {
    return this.requireProfile().data as UserProfileDataType;
  }

  /**
   * The user's identities (one per linked provider account).
   *
   * @throws ClientError `ClientProfileNotFetched` if no profile was ever fetched.
   */
  get identities(): UserIdentity[] {
    return this.requireProfile().identities;
  }

  /** The device id the server assigned, or null. */
  get deviceId(): string | null {
    const fromToken = this.session.claims?.baas_device_id;
    if (typeof fromToken === "string" && fromToken !== NO_DEVICE_ID) return fromToken;
    return this.host.storedDeviceId();
  }

  /** Whether this user is anonymous (only an `anon-user` identity). Addition to realm-web. */
  get isAnonymous(): boolean {
    return this.profileSnapshot ? isAnonymousProfile(this.profileSnapshot) : this.providerType === "anon-user";
  }

  /**
   * Fetches the profile again (identities, metadata) and caches it.
   *
   * @example
   * await user.refreshProfile();
   * console.log(user.profile.email);
   */
  async refreshProfile(): Promise<void> {
    const response = await this.session.fetchWithAccess({ method: "GET", path: authRoutes.profile });
    this.setProfile(parseProfile(await readJson(response), this.host.numbers));
    this.emit({ type: "profileRefreshed" });
  }

  /**
   * Gets a new access token with the refresh token. Rarely needed: requests refresh on their own.
   *
   * @example
   * await user.refreshAccessToken();
   */
  async refreshAccessToken(): Promise<void> {
    await this.session.refresh();
  }

  /**
   * Gets a new access token, which carries the current custom user data, and returns that data.
   *
   * @example
   * const { favouriteColour } = await user.refreshCustomData();
   */
  async refreshCustomData(): Promise<CustomDataType> {
    await this.session.refresh();
    this.emit({ type: "customDataRefreshed" });
    return this.customData;
  }

  /**
   * Logs out: ends the session on the server and drops the tokens from the device. The user stays in
   * `app.allUsers` as logged out, except anonymous users, which are removed (they can never log in again).
   * Tokens are dropped even if the server cannot be reached; that error is then rethrown.
   *
   * @example
   * await user.logOut();
   */
  async logOut(): Promise<void> {
    const refreshToken = this.session.refreshToken;
    if (refreshToken === null) return;
    let failure: unknown;
    try {
      await this.host.fetcher.fetch({ method: "DELETE", path: authRoutes.session, token: refreshToken });
    } catch (err) {
      // 401: the session was already gone (expired, revoked, user deleted) — logged out either way.
      if (!isUnauthorized(err)) failure = err;
    }
    this.endSession("logOut");
    if (failure !== undefined) throw failure;
  }

  /**
   * Links another identity (for example email/password) to this user, typically an anonymous one.
   *
   * @example
   * await app.emailPasswordAuth.registerUser({ email, password });
   * await guest.linkCredentials(Credentials.emailPassword(email, password));
   */
  async linkCredentials(credentials: Credentials): Promise<void> {
    const response = await authenticate(this.host.fetcher, credentials, this.host.deviceInformation(), this.requester, {
      storage: this.host.storage,
    });
    if (response.userId !== this.id) {
      throw new ClientError(
        ClientErrorCode.InvalidServerResponse,
        `Link response is for another user (got ${response.userId}, expected ${this.id})`,
      );
    }
    this.session.setAccessToken(response.accessToken);
    await this.refreshProfile();
    this.emit({ type: "linked" });
  }

  /**
   * Calls a server function. `user.functions.name(...args)` is equivalent.
   *
   * @example
   * const total = await user.callFunction("sum", 1, 2);
   */
  callFunction<ReturnType = unknown>(name: string, ...args: unknown[]): Promise<ReturnType> {
    return (this.functions as BaseFunctionsFactory).callFunction(name, ...args) as Promise<ReturnType>;
  }

  /**
   * Adds a listener for this user's changes (token refreshed, profile refreshed, logged out and why...).
   *
   * @example
   * user.addListener((event) => { if (event.type === "loggedOut") showLogin(event.reason); });
   */
  addListener(callback: UserChangeCallback): void {
    this.listeners.add(callback);
  }

  /** Removes a listener added with {@link addListener}. */
  removeListener(callback: UserChangeCallback): void {
    this.listeners.remove(callback);
  }

  /** Removes every listener of this user. */
  removeAllListeners(): void {
    this.listeners.clear();
  }

  /** @returns A plain object describing the user (no functions). */
  toJSON(): Record<string, unknown> {
    return {
      id: this.id,
      accessToken: this.accessToken,
      refreshToken: this.refreshToken,
      profile: this.profileSnapshot,
      state: this.state,
      customData: this.customData,
    };
  }

  /** Whether a profile was fetched (or restored). Used by `App`. @internal */
  get hasProfile(): boolean {
    return this.profileSnapshot !== undefined;
  }

  /** Stores a fresh login's tokens and profile. Used by `App`. @internal */
  acceptLogin(accessToken: string, refreshToken: string | null, profile: ProfileSnapshot | undefined): void {
    if (refreshToken !== null) this.session.setTokens(accessToken, refreshToken);
    else this.session.setAccessToken(accessToken);
    this.cache.writeProviderType(this.providerType);
    if (profile) this.setProfile(profile);
  }

  /** Drops the tokens locally and tells listeners why. Used by `App`. @internal */
  endSession(reason: LogoutReason): void {
    if (this.session.refreshToken === null && this.session.accessToken === null) return;
    this.session.clear();
    this.emit({ type: "loggedOut", reason });
  }

  /** Marks the user removed and forgets its cache. Used by `App`. @internal */
  markRemoved(): void {
    this.removed = true;
    this.cache.clear();
    this.emit({ type: "removed" });
  }

  /** Sends a request as this user (session rules applied). Used by `App`. @internal */
  fetchAsUser(request: Parameters<Requester["fetch"]>[0], tokenType: "access" | "refresh"): Promise<FetchResponse> {
    return this.requester.fetch(request, tokenType);
  }

  private setProfile(profile: ProfileSnapshot): void {
    this.profileSnapshot = profile;
    this.cache.writeProfile(profile);
  }

  private requireProfile(): ProfileSnapshot {
    if (!this.profileSnapshot) {
      throw new ClientError(ClientErrorCode.ProfileNotFetched, "A profile was never fetched for this user");
    }
    return this.profileSnapshot;
  }

  private emit(event: UserChangeEvent): void {
    this.listeners.emit(event);
    this.host.userChanged(this, event);
  }
}
