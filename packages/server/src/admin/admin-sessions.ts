import type { AuditLog } from "../audit/audit-log.js";
import type { Clock } from "../clock.js";
import { Errors, GatehouseError } from "../errors.js";
import { NO_DEVICE_ID, newObjectId, newSecret } from "../ids.js";
import type { RateLimiter } from "../ratelimit/rate-limiter.js";
import { APP_CLAIM, TokenSigner, type SignedClaims } from "../sessions/tokens.js";
import type { Store } from "../store/store.js";
import { ADMIN_SCOPE, type OperatorKeys } from "./operator-keys.js";

/** The audience of admin tokens; client tokens carry none, and other `typ` values. */
export const ADMIN_AUDIENCE = "gatehouse-admin";

/** Claims of an admin access token. `sub` is the operator key's id, `iss` the admin session. */
export interface AdminAccessClaims extends SignedClaims {
  typ: "admin-access";
  iss: string;
  aud: string;
}

/** Claims of an admin refresh token. */
export interface AdminRefreshClaims extends SignedClaims {
  typ: "admin-refresh";
  baas_id: string;
  aud: string;
}

/** The operator behind a request: the key it logged in with and the session. */
export interface Operator {
  keyId: string;
  username: string;
  /** The key's name: the actor recorded in the audit log. */
  name: string;
  sessionId: string;
}

/** The admin login answer (the shape of a client login, PROTOCOL.md §11.1). */
export interface AdminLoginResponse {
  access_token: string;
  refresh_token: string;
  user_id: string;
  device_id: string;
}

/** Lifetimes of admin sessions, in seconds. */
export interface AdminSessionLifetimes {
  accessTokenLifetimeSeconds: number;
  refreshTokenLifetimeSeconds: number;
}

/**
 * Admin sessions: login with an operator key, refresh, logout, and the check behind every admin route.
 * Admin tokens are signed with their own key (kept in the store, shared by every instance), carry the
 * admin app claim, `aud: gatehouse-admin` and `typ: admin-access|admin-refresh`: a client token fails
 * each of those checks on an admin route, and an admin token fails the client checks the same way.
 */
export class AdminSessions {
  private constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly keys: OperatorKeys,
    private readonly limiter: RateLimiter,
    private readonly audit: AuditLog,
    private readonly signer: TokenSigner,
    private readonly lifetimes: AdminSessionLifetimes,
  ) {}

  static async create(deps: {
    store: Store;
    clock: Clock;
    keys: OperatorKeys;
    limiter: RateLimiter;
    audit: AuditLog;
    lifetimes: AdminSessionLifetimes;
  }): Promise<AdminSessions> {
    await deps.store.signingKeys.addIfAbsent(ADMIN_SCOPE, "admin-1", newSecret(48), deps.clock.now());
    const keys = (await deps.store.signingKeys.list(ADMIN_SCOPE)).map(({ kid, secret }) => ({ kid, secret }));
    const signer = new TokenSigner(ADMIN_SCOPE, keys);
    return new AdminSessions(deps.store, deps.clock, deps.keys, deps.limiter, deps.audit, signer, deps.lifetimes);
  }

  /** `POST /auth/providers/mongodb-cloud/login`. Rate-limited per IP and per username; audited. */
  async login(username: string, apiKey: string, ip: string): Promise<AdminLoginResponse> {
    // As email/password logins: every attempt counts per IP, and per username only failures do, so the
    // CLI logging in on every command never locks its operator out.
    await this.limiter.checkLogin(ADMIN_SCOPE, ip, username);
    const key = await this.keys.verify(username, apiKey);
    if (!key) {
      await this.audit.record({ appId: ADMIN_SCOPE, type: "admin_login", ip, result: "AuthError", detail: username.slice(0, 64) });
      throw Errors.adminKeyInvalid();
    }
    await this.limiter.loginSucceeded(ADMIN_SCOPE, ip, username);
    const now = this.clock.now();
    const iat = Math.floor(now / 1000);
    const sessionId = newObjectId();
    const expiresAt = (iat + this.lifetimes.refreshTokenLifetimeSeconds) * 1000;
    await this.store.transaction(async (tx) => {
      await tx.admin.createSession({ id: sessionId, keyId: key.id, createdAt: now, expiresAt, revokedAt: null });
      await tx.admin.touchKey(key.id, now);
      await this.audit.record({ appId: ADMIN_SCOPE, type: "admin_login", ip, result: "ok", actor: key.name, detail: key.username }, tx);
    });
    const refresh: AdminRefreshClaims = {
      sub: key.id,
      typ: "admin-refresh",
      baas_id: sessionId,
      aud: ADMIN_AUDIENCE,
      [APP_CLAIM]: ADMIN_SCOPE,
      iat,
      exp: Math.floor(expiresAt / 1000),
    };
    const [access_token, refresh_token] = await Promise.all([this.signAccess(key.id, sessionId, iat), this.signer.sign(refresh)]);
    return { access_token, refresh_token, user_id: key.id, device_id: NO_DEVICE_ID };
  }

  /** `POST /auth/session` with an admin refresh token: a new access token. */
  async refresh(token: string, ip: string): Promise<{ access_token: string }> {
    const { operator } = await this.authenticateRefresh(token);
    await this.audit.record({ appId: ADMIN_SCOPE, type: "admin_refresh", ip, result: "ok", actor: operator.name });
    return { access_token: await this.signAccess(operator.keyId, operator.sessionId, Math.floor(this.clock.now() / 1000)) };
  }

  /** `DELETE /auth/session` with an admin refresh token. */
  async logout(token: string, ip: string): Promise<void> {
    let operator: Operator;
    try {
      ({ operator } = await this.authenticateRefresh(token));
    } catch (error) {
      if (error instanceof GatehouseError && error.code === "InvalidSession") {
        throw Errors.adminTokenInvalid("invalid session: failed to find refresh token");
      }
      throw error;
    }
    await this.store.transaction(async (tx) => {
      await tx.admin.revokeSession(operator.sessionId, this.clock.now());
      await this.audit.record({ appId: ADMIN_SCOPE, type: "admin_logout", ip, result: "ok", actor: operator.name }, tx);
    });
  }

  /** The operator of a live admin access token; 401 `InvalidSession` for anything else. */
  async authenticate(token: string): Promise<Operator> {
    const claims = await this.verify<AdminAccessClaims>(token, "admin-access");
    return this.liveOperator(claims.iss, claims.sub);
  }

  private async authenticateRefresh(token: string): Promise<{ operator: Operator }> {
    const claims = await this.verify<AdminRefreshClaims>(token, "admin-refresh");
    return { operator: await this.liveOperator(claims.baas_id, claims.sub) };
  }

  private async verify<T extends AdminAccessClaims | AdminRefreshClaims>(token: string, typ: T["typ"]): Promise<T> {
    let claims: T;
    try {
      claims = await this.signer.verify<T>(token, typ, this.clock.now());
    } catch (error) {
      if (error instanceof GatehouseError) throw Errors.adminTokenInvalid(error.message);
      throw error;
    }
    if (claims.aud !== ADMIN_AUDIENCE) throw Errors.adminTokenInvalid();
    return claims;
  }

  private async liveOperator(sessionId: string, keyId: string): Promise<Operator> {
    const found = await this.store.admin.sessionWithKey(sessionId);
    if (!found || found.key.id !== keyId || found.session.revokedAt !== null) {
      throw Errors.adminTokenInvalid("invalid session: failed to find refresh token");
    }
    if (found.session.expiresAt <= this.clock.now()) throw Errors.adminTokenInvalid("invalid session: refresh token expired");
    return { keyId, username: found.key.username, name: found.key.name, sessionId };
  }

  private signAccess(keyId: string, sessionId: string, iat: number): Promise<string> {
    const claims: AdminAccessClaims = {
      sub: keyId,
      iss: sessionId,
      typ: "admin-access",
      aud: ADMIN_AUDIENCE,
      [APP_CLAIM]: ADMIN_SCOPE,
      jti: newObjectId(),
      iat,
      exp: iat + this.lifetimes.accessTokenLifetimeSeconds,
    };
    return this.signer.sign(claims);
  }
}
