import type { AppRegistry, AppRuntime } from "../apps/app-runtime.js";
import type { AuditLog } from "../audit/audit-log.js";
import type { Clock } from "../clock.js";
import { Errors, GatehouseError } from "../errors.js";
import { newObjectId } from "../ids.js";
import { noMetrics, type ServiceMetrics } from "../metrics/service-metrics.js";
import type { ResolvedServerConfig } from "../server-config.js";
import type { SessionRecord, SessionState, UserRecord } from "../store/records.js";
import type { Store } from "../store/store.js";
import { decodeToken, peekAppId, type AccessClaims, type DecodedToken, type RefreshClaims, type SignedClaims } from "./tokens.js";
import { VerifiedTokens } from "./verified-tokens.js";

/** How stale `users.last_active_at` may get before a refresh writes it again. */
const ACTIVITY_RESOLUTION_MS = 24 * 3600 * 1000;

/** The four fields of a login response (PROTOCOL.md §3.3). */
export interface LoginResponse {
  access_token: string;
  /** Null only in a link response: the client keeps its refresh token. */
  refresh_token: string | null;
  user_id: string;
  device_id: string;
}

/** Who is calling, established from a valid access token. */
export interface AccessContext {
  app: AppRuntime;
  userId: string;
  /** The caller as stored, identities included (read with the session check, in the same statement). */
  user: UserRecord;
  session: SessionState;
  claims: AccessClaims;
}

/** A valid refresh token and its session. */
export interface RefreshContext {
  app: AppRuntime;
  session: SessionState;
  claims: RefreshClaims;
}

/** What a new session is opened for. */
export interface NewSession {
  app: AppRuntime;
  userId: string;
  providerType: string;
  providerName: string;
  externalId: string;
  deviceId: string;
}

/**
 * Where the custom user data embedded as `user_data` in each access token comes from (the auth hooks
 * provide it: sessions do not depend on the login flow).
 */
export interface UserDataSource {
  customUserData(app: AppRuntime, userId: string): Promise<Record<string, unknown> | undefined>;
}

/**
 * Issues, verifies, refreshes and revokes sessions. A session is a store row; the refresh token names it
 * (`baas_id`), access tokens name it too (`iss`), so revoking the row ends both.
 */
export class SessionService {
  private readonly verified = new VerifiedTokens();

  constructor(
    private readonly store: Store,
    private readonly apps: AppRegistry,
    private readonly clock: Clock,
    private readonly lifetimes: ResolvedServerConfig["sessions"],
    private readonly hooks: UserDataSource,
    private readonly audit: AuditLog,
    private readonly metrics: ServiceMetrics = noMetrics,
  ) {}

  /**
   * The row of a new session, not yet stored: the caller inserts it in the transaction that creates or
   * finds the user, then calls `issue` after the commit (token signing may read custom user data, which
   * must not happen while a SQLite transaction holds the connection).
   */
  newSession(s: NewSession): SessionRecord {
    const now = this.clock.now();
    const lifetime =
      s.providerType === "anon-user"
        ? this.lifetimes.anonymousRefreshTokenLifetimeSeconds
        : (s.app.overrides.refreshTokenLifetimeSeconds ?? this.lifetimes.refreshTokenLifetimeSeconds);
    return {
      id: newObjectId(),
      appId: s.app.id,
      userId: s.userId,
      providerType: s.providerType,
      externalId: s.externalId,
      deviceId: s.deviceId,
      createdAt: now,
      expiresAt: (Math.floor(now / 1000) + lifetime) * 1000,
      revokedAt: null,
    };
  }

  /** Signs the two tokens of a stored session. */
  async issue(s: NewSession, session: SessionRecord): Promise<LoginResponse> {
    const iat = Math.floor(this.clock.now() / 1000);
    const refreshClaims: RefreshClaims = {
      sub: s.userId,
      typ: "refresh",
      baas_id: session.id,
      baas_identity: { id: s.externalId, provider_type: s.providerType, provider_id: s.app.providerId(s.providerName) },
      baas_data: null,
      baas_device_id: s.deviceId,
      baas_domain_id: s.app.config.domainId,
      gh_app: s.app.id,
      iat,
      exp: Math.floor(session.expiresAt / 1000),
    };
    const [access_token, refresh_token] = await Promise.all([
      this.signAccess(s.app, s.userId, session.id, s.deviceId, iat),
      s.app.signer.sign(refreshClaims),
    ]);
    return { access_token, refresh_token, user_id: s.userId, device_id: s.deviceId };
  }

  /** A fresh access token for an existing session (refresh, link). */
  async reissueAccess(app: AppRuntime, session: SessionState): Promise<string> {
    return this.signAccess(app, session.userId, session.id, session.deviceId, Math.floor(this.clock.now() / 1000));
  }

  private async signAccess(app: AppRuntime, userId: string, sessionId: string, deviceId: string, iat: number): Promise<string> {
    const userData = await this.hooks.customUserData(app, userId);
    const claims: AccessClaims = {
      sub: userId,
      iss: sessionId,
      typ: "access",
      baas_device_id: deviceId,
      baas_domain_id: app.config.domainId,
      gh_app: app.id,
      jti: newObjectId(),
      iat,
      exp: iat + this.lifetimes.accessTokenLifetimeSeconds,
      ...(userData ? { user_data: userData } : {}),
    };
    return app.signer.sign(claims);
  }

  /** Verifies an access token and that its session and user are still good. */
  async authenticateAccess(token: string): Promise<AccessContext> {
    const { app, claims } = await this.verify<AccessClaims>(token, "access");
    const found = await this.store.sessions.stateWithUser(claims.iss);
    this.assertLive(found?.session, app, claims.sub);
    return { app, userId: claims.sub, user: found!.user, session: found!.session, claims };
  }

  /** A session named by id (the OAuth redirect state of a link) if it and its user are still good. */
  async liveSession(app: AppRuntime, sessionId: string, userId: string): Promise<SessionState> {
    const session = await this.store.sessions.state(sessionId);
    this.assertLive(session, app, userId);
    return session!;
  }

  /** Verifies a refresh token and that its session and user are still good. */
  async authenticateRefresh(token: string): Promise<RefreshContext> {
    const { app, claims } = await this.verify<RefreshClaims>(token, "refresh");
    const session = await this.store.sessions.state(claims.baas_id);
    this.assertLive(session, app, claims.sub);
    return { app, session: session!, claims };
  }

  /** `POST /auth/session`: a new access token carrying current custom user data. */
  async refresh(token: string, ip: string, checkApp: (app: AppRuntime) => void = () => {}): Promise<{ access_token: string }> {
    try {
      const { app, session } = await this.authenticateRefresh(token);
      checkApp(app);
      const now = this.clock.now();
      // Written at most once a day per user: enough for a retention measured in days, cheap on this path.
      if ((session.userLastActiveAt ?? 0) < now - ACTIVITY_RESOLUTION_MS) await this.store.users.touchActive(session.userId, now);
      const access_token = await this.reissueAccess(app, session);
      await this.audit.record({ appId: app.id, type: "refresh", userId: session.userId, provider: session.providerType, ip, result: "ok" });
      this.metrics.refresh("ok");
      return { access_token };
    } catch (error) {
      this.metrics.refresh(error instanceof GatehouseError ? error.reason : "error");
      throw error;
    }
  }

  /** `DELETE /auth/session`: revokes the session named by the refresh token. */
  async logout(token: string, ip: string, checkApp: (app: AppRuntime) => void = () => {}): Promise<void> {
    let context: RefreshContext;
    try {
      context = await this.authenticateRefresh(token);
    } catch (error) {
      // An expired or revoked session is already logged out. realm-web swallows a logout error only
      // when it says "failed to find refresh token"; any other wording leaves the user stuck.
      if (error instanceof GatehouseError && error.code === "InvalidSession") {
        throw Errors.sessionNotFound();
      }
      throw error;
    }
    const { app, session } = context;
    checkApp(app);
    await this.store.transaction(async (tx) => {
      await tx.sessions.revoke(session.id, this.clock.now());
      await this.audit.record(
        { appId: app.id, type: "logout", userId: session.userId, provider: session.providerType, ip, result: "ok" },
        tx,
      );
    });
  }

  /**
   * A token's app and claims: signature, algorithm and key checked once per token text
   * (sessions/verified-tokens.ts), expiry and type on every call.
   */
  private async verify<T extends SignedClaims>(token: string, typ: T["typ"]): Promise<{ app: AppRuntime; claims: T }> {
    const known = this.verified.get(token);
    if (known !== undefined) {
      known.app.signer.checkClaims(known.claims, typ, this.clock.now());
      return { app: known.app, claims: known.claims as T };
    }
    const { app, decoded } = this.appOf(token);
    const claims = await app.signer.verify<T>(decoded, typ, this.clock.now());
    this.verified.remember(token, app, claims);
    return { app, claims };
  }

  /** The app a token names, and the token decoded (once: the verification reuses it). */
  private appOf(token: string): { app: AppRuntime; decoded: DecodedToken } {
    const decoded = decodeToken(token);
    const appId = peekAppId(decoded);
    const app = appId === undefined ? undefined : this.apps.get(appId);
    if (!app || !decoded) throw Errors.tokenAppUnknown();
    return { app, decoded };
  }

  private assertLive(session: SessionState | undefined, app: AppRuntime, userId: string): void {
    if (!session || session.revokedAt !== null || session.appId !== app.id || session.userId !== userId) {
      throw Errors.sessionNotFound();
    }
    if (session.expiresAt <= this.clock.now()) throw Errors.sessionExpired();
    if (session.userDisabled) throw Errors.sessionUserDisabled();
    if (session.createdAt < session.userSessionsValidSince) throw Errors.sessionRevoked();
  }
}
