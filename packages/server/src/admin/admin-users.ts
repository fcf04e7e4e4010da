import type { AppRuntime } from "../apps/app-runtime.js";
import type { AuditLog } from "../audit/audit-log.js";
import type { AuthHooks } from "../auth/hooks.js";
import type { PasswordHasher } from "../auth/password.js";
import type { Clock } from "../clock.js";
import { Errors, GatehouseError } from "../errors.js";
import { isUserId, newObjectId } from "../ids.js";
import type { SessionService } from "../sessions/session-service.js";
import type { AccessClaims } from "../sessions/tokens.js";
import type { UserRecord } from "../store/records.js";
import { isUniqueViolation, type Store, type UserQuery } from "../store/store.js";
import type { UserService } from "../users/user-service.js";
import type { Operator } from "./admin-sessions.js";
import { toAdminUser, type AdminUserDetailView, type AdminUserView } from "./user-view.js";

/** A page of users: App Services pages hold at most 50. */
export const PAGE_SIZE = 50;

/** Listing and search parameters as the query string gives them (times: seconds or ISO 8601). */
export interface UserSearchInput {
  after?: string;
  desc?: boolean;
  email?: string;
  id?: string;
  provider?: string;
  disabled?: boolean;
  created_after?: string;
  created_before?: string;
  last_login_after?: string;
  last_login_before?: string;
  /** 1 to 50; default 50. */
  limit?: number;
}

/** A device a user logged in from (Gatehouse's shape; App Services left it unspecified). */
export interface AdminDeviceView {
  _id: string;
  info: Record<string, unknown>;
  creation_date: number;
  last_seen_date: number;
}

/** What `verify_token` reports of a valid client access token. */
export interface VerifiedTokenView {
  sub: string;
  exp: number;
  iat: number;
  iss: string;
  domain_id: string;
  device_id: string;
  custom_user_data?: Record<string, unknown>;
}

const OBJECT_ID = /^[0-9a-f]{24}$/;

/** The admin API's user operations (PROTOCOL.md §11.2), each audited with the operator as actor. */
export class AdminUsers {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly users: UserService,
    private readonly sessions: SessionService,
    private readonly hasher: PasswordHasher,
    private readonly audit: AuditLog,
    private readonly hooks: Pick<AuthHooks, "customUserData">,
  ) {}

  /** One keyset page; with `email` the page is in email order, with a time filter in that time's order. */
  async search(app: AppRuntime, input: UserSearchInput): Promise<AdminUserView[]> {
    const { users } = await this.store.userSearch.search(toQuery(app, input));
    return users.map((u) => toAdminUser(app, u));
  }

  /** One user with what only the user page needs: live sessions, custom user data, API keys. */
  async get(app: AppRuntime, userId: string): Promise<AdminUserDetailView> {
    const user = await this.user(app, userId);
    const [activeSessions, customData, keys] = await Promise.all([
      this.store.adminStats.activeSessionsOf(user.id, this.clock.now()),
      this.hooks.customUserData(app, user.id),
      this.store.apiKeys.listOf(user.id),
    ]);
    return {
      ...toAdminUser(app, user),
      active_sessions: activeSessions,
      custom_data: customData ?? null,
      api_keys: keys.map((k) => ({ _id: k.id, name: k.name, disabled: k.disabled })),
    };
  }

  /** `POST users`: a confirmed email/password user that exists before its first login. */
  async create(app: AppRuntime, email: string, password: string, by: Operator, ip: string): Promise<AdminUserView> {
    if (!app.provider("local-userpass")) throw Errors.providerNotFound("local-userpass");
    if (email.length === 0 || email.length > 256 || !/^[^\s@]+@[^\s@]+$/.test(email)) {
      throw Errors.emailInvalid();
    }
    const length = [...password].length;
    if (length < 6 || length > 128) throw Errors.passwordLength();
    const passwordHash = await this.hasher.hash(password);
    const now = this.clock.now();
    const accountId = newObjectId();
    const identity = {
      userId: newObjectId(),
      providerType: "local-userpass",
      providerName: "local-userpass",
      externalId: accountId,
      providerData: { email },
      createdAt: now,
    };
    const user: UserRecord = {
      id: identity.userId,
      appId: app.id,
      type: "normal",
      disabled: false,
      data: { email },
      createdAt: now,
      lastLoginAt: null,
      sessionsValidSince: now,
      identities: [identity],
    };
    try {
      await this.store.transaction(async (tx) => {
        await tx.accounts.create({
          id: accountId,
          appId: app.id,
          email,
          emailKey: app.emailKey(email),
          passwordHash,
          confirmed: true,
          createdAt: now,
        });
        await tx.users.create(user, identity);
        await this.audit.record(
          {
            appId: app.id,
            type: "user_created",
            userId: user.id,
            provider: "local-userpass",
            ip,
            result: "ok",
            detail: "by admin",
            actor: by.name,
          },
          tx,
        );
      });
    } catch (error) {
      if (isUniqueViolation(error)) throw Errors.accountNameInUse();
      throw error;
    }
    return toAdminUser(app, user);
  }

  async delete(app: AppRuntime, userId: string, by: Operator, ip: string): Promise<void> {
    await this.users.delete(app, await this.user(app, userId), { actor: "admin", operator: by.name, ip });
  }

  async setDisabled(app: AppRuntime, userId: string, disabled: boolean, by: Operator, ip: string): Promise<void> {
    await this.users.setDisabled(app, checkUserId(userId), disabled, { operator: by.name, ip });
  }

  async logout(app: AppRuntime, userId: string, by: Operator, ip: string): Promise<void> {
    await this.users.logoutEverywhere(app, checkUserId(userId), { operator: by.name, ip });
  }

  async devices(app: AppRuntime, userId: string): Promise<AdminDeviceView[]> {
    await this.user(app, userId);
    const devices = await this.store.sessions.devicesOf(userId);
    return devices.map((d) => ({
      _id: d.id,
      info: d.info,
      creation_date: Math.floor(d.createdAt / 1000),
      last_seen_date: Math.floor(d.lastSeenAt / 1000),
    }));
  }

  /**
   * `verify_token`: the claims of one of the app's access tokens, or the string `"token expired"` (App
   * Services' answer). A token whose session ended (logout, disable, delete) is refused like a bad one.
   */
  async verifyToken(app: AppRuntime, token: string): Promise<VerifiedTokenView | "token expired"> {
    let claims: AccessClaims;
    try {
      // Checked at time 0, so the signature decides here and expiry is judged below, with its own answer.
      claims = await app.signer.verify<AccessClaims>(token, "access", 0);
    } catch (error) {
      if (error instanceof GatehouseError) throw Errors.tokenSignatureInvalid();
      throw error;
    }
    if (claims.exp <= Math.floor(this.clock.now() / 1000)) return "token expired";
    await this.sessions.authenticateAccess(token);
    return {
      sub: claims.sub,
      exp: claims.exp,
      iat: claims.iat,
      iss: claims.iss,
      domain_id: claims.baas_domain_id,
      device_id: claims.baas_device_id,
      ...(claims.user_data ? { custom_user_data: claims.user_data } : {}),
    };
  }

  /** `reset_email`: changes the address of the user's email/password identity. */
  async resetEmail(app: AppRuntime, userId: string, email: string, by: Operator, ip: string): Promise<void> {
    if (email.length === 0 || email.length > 128 || !/^[^\s@]+@[^\s@]+$/.test(email)) {
      throw Errors.resetEmailInvalid();
    }
    const user = await this.user(app, userId);
    const identity = user.identities.find((i) => i.providerType === "local-userpass");
    if (!identity) throw Errors.noUserpassIdentity();
    const now = this.clock.now();
    try {
      await this.store.transaction(async (tx) => {
        await tx.accounts.changeEmail(identity.externalId, email, app.emailKey(email), now);
        await tx.users.setIdentityData(app.id, "local-userpass", identity.externalId, { ...identity.providerData, email });
        await tx.users.setData(user.id, { ...user.data, email });
        await this.audit.record(
          {
            appId: app.id,
            type: "reset_email",
            userId: user.id,
            provider: "local-userpass",
            ip,
            result: "ok",
            detail: "by admin",
            actor: by.name,
          },
          tx,
        );
      });
    } catch (error) {
      if (isUniqueViolation(error)) throw Errors.accountNameInUse();
      throw error;
    }
  }

  private async user(app: AppRuntime, userId: string): Promise<UserRecord> {
    return this.users.get(app, checkUserId(userId));
  }
}

/** 400 for an id that is not an ObjectId (before any lookup): API key ids, registration cursors. */
export function checkId(id: string, what: string): string {
  if (!OBJECT_ID.test(id)) throw Errors.malformedId(what);
  return id;
}

/** 400 for a string that cannot be a user id (before any lookup); imported users keep foreign ids. */
export function checkUserId(id: string, what = "user id"): string {
  if (!isUserId(id)) throw Errors.malformedUserId(what);
  return id;
}

/** A time filter in milliseconds: integer seconds since the epoch, or an ISO 8601 date. */
export function parseTime(field: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (/^\d{1,12}$/.test(value)) return Number(value) * 1000;
  const ms = /^\d{4}-\d{2}-\d{2}/.test(value) ? Date.parse(value) : Number.NaN;
  if (Number.isNaN(ms)) throw Errors.timeFilterInvalid(field);
  return ms;
}

function toQuery(app: AppRuntime, input: UserSearchInput): UserQuery {
  const query: UserQuery = { appId: app.id, limit: Math.min(input.limit ?? PAGE_SIZE, PAGE_SIZE) };
  if (input.after !== undefined) query.after = checkUserId(input.after, "after");
  if (input.desc) query.desc = true;
  if (input.email !== undefined) query.emailKeyPrefix = app.emailKey(input.email);
  if (input.id !== undefined) {
    if (!/^[0-9a-f]{0,24}$/.test(input.id)) throw Errors.idPrefixInvalid();
    query.idPrefix = input.id;
  }
  if (input.provider !== undefined) query.providerType = input.provider;
  if (input.disabled !== undefined) query.disabled = input.disabled;
  const times = {
    createdAfter: parseTime("created_after", input.created_after),
    createdBefore: parseTime("created_before", input.created_before),
    lastLoginAfter: parseTime("last_login_after", input.last_login_after),
    lastLoginBefore: parseTime("last_login_before", input.last_login_before),
  };
  for (const [key, value] of Object.entries(times)) if (value !== undefined) query[key as keyof typeof times] = value;
  return query;
}
