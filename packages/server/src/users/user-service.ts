import type { AppRuntime } from "../apps/app-runtime.js";
import type { AuditLog } from "../audit/audit-log.js";
import type { Clock } from "../clock.js";
import { Errors } from "../errors.js";
import type { UserRecord } from "../store/records.js";
import type { Store } from "../store/store.js";

/** `GET /auth/profile` body (PROTOCOL.md §4.3). */
export interface ProfileResponse {
  user_id: string;
  domain_id: string;
  identities: { id: string; provider_type: string; provider_id: string; provider_data: Record<string, unknown> }[];
  data: Record<string, unknown>;
  type: string;
}

/** Who asked for an admin action: the operator key's name (the audit actor) and the client IP. */
export interface AdminActor {
  operator?: string;
  ip?: string;
}

/** What runs after a user is deleted (the auth hooks provide it: users do not depend on the login flow). */
export interface UserDeletionHook {
  userDeleted(app: AppRuntime, user: UserRecord): Promise<void>;
}

/** User lifecycle after creation: profile, disable, sign-out everywhere, delete. */
export class UserService {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly hooks: UserDeletionHook,
    private readonly audit: AuditLog,
  ) {}

  async get(app: AppRuntime, userId: string): Promise<UserRecord> {
    const user = await this.store.users.get(app.id, userId);
    if (!user) throw Errors.userNotFound();
    return user;
  }

  /** Deletes a user, its identities, accounts, sessions and devices in one transaction. */
  async delete(
    app: AppRuntime,
    userOrId: UserRecord | string,
    by: { ip?: string; actor: "user" | "admin"; operator?: string },
  ): Promise<void> {
    const user = typeof userOrId === "string" ? await this.get(app, userOrId) : userOrId;
    const userId = user.id;
    await this.store.transaction(async (tx) => {
      // A concurrent delete got there first: report it as not found rather than firing triggers twice.
      if (!(await tx.users.delete(app.id, userId))) throw Errors.userNotFound();
      await this.audit.record(
        { appId: app.id, type: "delete", userId, ip: by.ip ?? null, result: "ok", detail: `by ${by.actor}`, actor: by.operator ?? null },
        tx,
      );
    });
    await this.hooks.userDeleted(app, user);
  }

  /** Disables (ending every session at once) or enables a user. */
  async setDisabled(app: AppRuntime, userId: string, disabled: boolean, by: AdminActor = {}): Promise<void> {
    await this.store.transaction(async (tx) => {
      const now = this.clock.now();
      // +1 ms: a session opened in this very millisecond is older than the disable, too.
      if (!(await tx.users.setDisabled(app.id, userId, disabled, now + 1))) throw Errors.userNotFound();
      if (disabled) await tx.sessions.revokeAllForUser(userId, now);
      await this.audit.record(
        {
          appId: app.id,
          type: disabled ? "disable" : "enable",
          userId,
          ip: by.ip ?? null,
          result: "ok",
          detail: "by admin",
          actor: by.operator ?? null,
        },
        tx,
      );
    });
  }

  /** Ends every session of the user, access tokens included (admin logout). */
  async logoutEverywhere(app: AppRuntime, userId: string, by: AdminActor = {}): Promise<void> {
    await this.store.transaction(async (tx) => {
      const now = this.clock.now();
      if (!(await tx.users.invalidateSessions(app.id, userId, now + 1))) throw Errors.userNotFound();
      await tx.sessions.revokeAllForUser(userId, now);
      await this.audit.record(
        { appId: app.id, type: "logout_all", userId, ip: by.ip ?? null, result: "ok", detail: "by admin", actor: by.operator ?? null },
        tx,
      );
    });
  }
}

const STRING_METADATA = ["name", "email", "first_name", "last_name", "picture", "gender", "birthday", "min_age", "max_age"];

/** The profile shape both SDK families parse; standard metadata as strings (core reads them so). */
export function toProfile(app: AppRuntime, user: UserRecord): ProfileResponse {
  const data: Record<string, unknown> = { ...user.data };
  for (const key of STRING_METADATA) if (key in data && data[key] !== null) data[key] = String(data[key]);
  // realm-web reads `picture`, core's getter reads `picture_url` (PROTOCOL.md §4.3).
  if (typeof data.picture === "string" && data.picture_url === undefined) data.picture_url = data.picture;
  return {
    user_id: user.id,
    domain_id: app.config.domainId,
    identities: user.identities.map((i) => ({
      id: i.externalId,
      provider_type: i.providerType,
      provider_id: app.providerId(i.providerName),
      provider_data: i.providerData,
    })),
    data,
    type: user.type,
  };
}
