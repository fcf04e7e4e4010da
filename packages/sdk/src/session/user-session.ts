/**
 * One user's session: the access and refresh tokens, and the rules for keeping them alive
 * (PROTOCOL §4.1, §8.3):
 * - an access token close to expiry is refreshed before the request, not after a 401;
 * - a 401 on an access-token request refreshes once and retries once — never more, unlike realm-web,
 *   which loops forever when the server refuses a token it just issued;
 * - concurrent requests share one refresh in flight, and a request whose 401 arrives after someone
 *   else already refreshed simply retries with the new token;
 * - a 401 on a refresh-token request (refresh, API keys) ends the session: tokens are dropped and the
 *   owner hears whether the refresh token expired or was revoked.
 */
import { ClientError, ClientErrorCode, isInvalidSession, isUnauthorized, type MongoDBRealmError } from "../errors.js";
import type { LogoutReason } from "../events.js";
import { decodeToken, type TokenClaims } from "../jwt.js";
import type { UserStorage } from "../storage/app-storage.js";
import type { Fetcher, HttpRequest } from "../transport/fetcher.js";
import { authRoutes } from "../transport/routes.js";
import type { ServerClock } from "./clock.js";
import type { FetchResponse } from "../transport/fetch-types.js";

/** Which token a request carries. */
export type TokenType = "access" | "refresh";

/** What a session tells its user. */
export interface SessionHooks {
  /** A new access token was stored. */
  onAccessTokenRefreshed(): void;
  /** The server ended the session; tokens are already dropped. */
  onSessionEnded(reason: LogoutReason, error: MongoDBRealmError): void;
}

/** Refresh when less than this much of the access token's life is left... */
const MAX_REFRESH_MARGIN_MS = 60_000;
/** ...or less than this fraction of it, for short-lived tokens. */
const REFRESH_MARGIN_FRACTION = 0.2;

/** Tokens of one user, with refresh and retry. */
export class UserSession {
  private access: string | null;
  private refreshTokenValue: string | null;
  private accessClaims: TokenClaims | null = null;
  private refreshing: Promise<void> | null = null;

  /**
   * @param fetcher - Sends requests.
   * @param clock - Server time estimate.
   * @param storage - Where the tokens are cached.
   * @param hooks - Receives session events.
   */
  constructor(
    private readonly fetcher: Fetcher,
    private readonly clock: ServerClock,
    private readonly storage: UserStorage,
    private readonly hooks: SessionHooks,
  ) {
    const cached = storage.read();
    this.access = cached.accessToken;
    this.refreshTokenValue = cached.refreshToken;
  }

  /** The current access token. */
  get accessToken(): string | null {
    return this.access;
  }

  /** The current refresh token; null means logged out. */
  get refreshToken(): string | null {
    return this.refreshTokenValue;
  }

  /** @returns The decoded access token claims, or null (no token or undecodable cached token). */
  get claims(): TokenClaims | null {
    if (!this.access) return null;
    if (!this.accessClaims) {
      try {
        this.accessClaims = decodeToken(this.access);
      } catch {
        return null;
      }
    }
    return this.accessClaims;
  }

  /** Stores both tokens of a fresh login. */
  setTokens(accessToken: string, refreshToken: string): void {
    // Decode first: a malformed token must change nothing, in memory or in the cache.
    const claims = decodeToken(accessToken);
    this.storage.writeTokens(accessToken, refreshToken);
    this.refreshTokenValue = refreshToken;
    this.setAccess(accessToken, claims);
  }

  /** Stores a new access token (refresh or link), keeping the refresh token. */
  setAccessToken(accessToken: string): void {
    const claims = decodeToken(accessToken);
    this.storage.writeAccessToken(accessToken);
    this.setAccess(accessToken, claims);
  }

  private setAccess(accessToken: string, claims: TokenClaims): void {
    this.access = accessToken;
    this.accessClaims = claims;
    this.clock.observeIssuedAt(claims.iat);
  }

  /**
   * Replaces the access token with whatever the application sets, as realm-web allows: nothing is
   * checked, because an undecodable or refused token only makes the next request refresh first.
   */
  assignAccessToken(accessToken: string | null): void {
    this.storage.writeAccessToken(accessToken);
    this.access = accessToken;
    this.accessClaims = null;
  }

  /** Replaces the refresh token as the application sets it; null logs the user out on this device. */
  assignRefreshToken(refreshToken: string | null): void {
    this.storage.writeRefreshToken(refreshToken);
    this.refreshTokenValue = refreshToken;
  }

  /** Drops both tokens (logout). */
  clear(): void {
    this.access = null;
    this.accessClaims = null;
    this.refreshTokenValue = null;
    this.storage.writeTokens(null, null);
  }

  /**
   * Gets a new access token with the refresh token. Concurrent callers share one request.
   *
   * @throws MongoDBRealmError 401 after ending the session when the refresh token is refused.
   */
  refresh(): Promise<void> {
    this.refreshing ??= this.doRefresh().finally(() => {
      this.refreshing = null;
    });
    return this.refreshing;
  }

  private async doRefresh(): Promise<void> {
    const refreshToken = this.requireRefreshToken();
    let body: { access_token?: unknown } | null;
    try {
      body = await this.fetcher.fetchJSON({ method: "POST", path: authRoutes.session, token: refreshToken });
    } catch (err) {
      if (isUnauthorized(err) && this.refreshTokenValue === refreshToken) this.end(err);
      throw err;
    }
    if (typeof body?.access_token !== "string") {
      throw new ClientError(ClientErrorCode.InvalidServerResponse, "Refresh response has no 'access_token'");
    }
    // A logout or a new login while the refresh was in flight wins over its result.
    if (this.refreshTokenValue !== refreshToken) return;
    this.setAccessToken(body.access_token);
    this.hooks.onAccessTokenRefreshed();
  }

  /**
   * Sends a request with the access token: refreshes first when it is about to expire, and on a 401
   * refreshes once and retries once.
   *
   * @returns The 2xx response.
   */
  async fetchWithAccess(request: Omit<HttpRequest, "token">): Promise<FetchResponse> {
    this.requireRefreshToken();
    if (this.shouldRefreshFirst()) {
      try {
        await this.refresh();
      } catch (err) {
        // A refused refresh ended the session; any other failure (network, 5xx) is only fatal when the
        // current token is already dead.
        if (!this.refreshTokenValue || this.isAccessExpired()) throw err;
      }
    }
    const used = this.access;
    try {
      return await this.fetcher.fetch({ ...request, token: used });
    } catch (err) {
      // Only a rejected session is worth a refresh: a 401 such as InvalidPassword (a link with a wrong
      // password) would fail again, and cost an attempt against the account's rate limit.
      if (!isInvalidSession(err)) throw err;
      // Our token may be stale only because another request refreshed meanwhile: then just retry.
      if (this.access === used) await this.refresh();
      if (!this.access || !this.refreshTokenValue) throw err;
      return this.fetcher.fetch({ ...request, token: this.access });
    }
  }

  /**
   * Sends a request with the refresh token (API keys). A 401 ends the session.
   *
   * @returns The 2xx response.
   */
  async fetchWithRefresh(request: Omit<HttpRequest, "token">): Promise<FetchResponse> {
    const refreshToken = this.requireRefreshToken();
    try {
      return await this.fetcher.fetch({ ...request, token: refreshToken });
    } catch (err) {
      if (isUnauthorized(err) && this.refreshTokenValue === refreshToken) this.end(err);
      throw err;
    }
  }

  /** Sends a request with the given token type; see {@link fetchWithAccess} and {@link fetchWithRefresh}. */
  fetch(request: Omit<HttpRequest, "token">, tokenType: TokenType): Promise<FetchResponse> {
    return tokenType === "access" ? this.fetchWithAccess(request) : this.fetchWithRefresh(request);
  }

  private requireRefreshToken(): string {
    if (!this.refreshTokenValue) {
      throw new ClientError(ClientErrorCode.UserNotLoggedIn, "The user is not logged in");
    }
    return this.refreshTokenValue;
  }

  private shouldRefreshFirst(): boolean {
    const claims = this.claims;
    if (!claims) return true;
    const lifetimeMs = (claims.exp - claims.iat) * 1000;
    const margin = Math.min(MAX_REFRESH_MARGIN_MS, lifetimeMs * REFRESH_MARGIN_FRACTION);
    return claims.exp * 1000 - this.clock.now() < margin;
  }

  private isAccessExpired(): boolean {
    const claims = this.claims;
    return !claims || claims.exp * 1000 <= this.clock.now();
  }

  private end(error: MongoDBRealmError): void {
    // Tell expiry from revocation by the token's own `exp`, or by the server saying so (its clock may be
    // ahead of our last estimate).
    const expired = this.refreshTokenExpired() || /expired/i.test(error.error ?? "");
    this.clear();
    this.hooks.onSessionEnded(expired ? "refreshTokenExpired" : "sessionRevoked", error);
  }

  /** @returns true when the refresh token's own `exp` has passed (by the server clock estimate). */
  private refreshTokenExpired(): boolean {
    if (!this.refreshTokenValue) return false;
    try {
      return decodeToken(this.refreshTokenValue).exp * 1000 <= this.clock.now() + 1000;
    } catch {
      // An opaque refresh token (allowed by realm-web) gives no expiry to compare; the server refused it.
      return false;
    }
  }
}
