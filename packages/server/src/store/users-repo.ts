import type { Kysely } from "kysely";
import { PreparedQuery } from "./prepared.js";
import { toIdentity, toUser } from "./rows.js";
import type { IdentityRecord, UserRecord } from "./records.js";
import type { Database } from "./schema.js";

/** Users and their identities. */
export class UserRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /** Inserts a user and its first identity. Throws a unique violation if the identity exists. */
  async create(
    user: Omit<UserRecord, "identities" | "lastLoginAt"> & { lastLoginAt?: number | null },
    identity: IdentityRecord,
  ): Promise<void> {
    await insertUser.run(this.db, {
      id: user.id,
      appId: user.appId,
      type: user.type,
      disabled: user.disabled ? 1 : 0,
      data: JSON.stringify(user.data),
      createdAt: user.createdAt,
      validSince: user.sessionsValidSince,
      lastLoginAt: user.lastLoginAt ?? null,
    });
    await this.addIdentity(user.appId, identity);
  }

  /** Links one more identity to an existing user. */
  async addIdentity(appId: string, identity: IdentityRecord): Promise<void> {
    await insertIdentity.run(this.db, {
      appId,
      providerType: identity.providerType,
      externalId: identity.externalId,
      userId: identity.userId,
      providerName: identity.providerName,
      providerData: JSON.stringify(identity.providerData),
      createdAt: identity.createdAt,
    });
  }

  /** Removes one identity (a deleted API key's). */
  async removeIdentity(appId: string, providerType: string, externalId: string): Promise<void> {
    await this.db
      .deleteFrom("identities")
      .where("app_id", "=", appId)
      .where("provider_type", "=", providerType)
      .where("external_id", "=", externalId)
      .execute();
  }

  /** The user owning an identity, if any. */
  async findIdByIdentity(appId: string, providerType: string, externalId: string): Promise<string | undefined> {
    const { rows } = await identityOwner.run(this.db, { appId, providerType, externalId });
    return rows[0]?.user_id;
  }

  /** A user with its identities, or undefined. */
  async get(appId: string, userId: string): Promise<UserRecord | undefined> {
    const row = (await userById.run(this.db, { appId, userId })).rows[0];
    if (!row) return undefined;
    const { rows: identities } = await identitiesOfUser.run(this.db, { userId });
    return toUser(row, identities.map(toIdentity));
  }

  /** Adds profile metadata keys the user does not have yet (a linked identity's email, say). */
  async mergeData(userId: string, data: Record<string, unknown>): Promise<void> {
    if (Object.keys(data).length === 0) return;
    const row = await this.db.selectFrom("users").select("data").where("id", "=", userId).executeTakeFirst();
    if (!row) return;
    const merged = { ...data, ...(JSON.parse(row.data) as Record<string, unknown>) };
    await this.db
      .updateTable("users")
      .set({ data: JSON.stringify(merged) })
      .where("id", "=", userId)
      .execute();
  }

  /** Replaces a user's profile metadata. */
  async setData(userId: string, data: Record<string, unknown>): Promise<void> {
    await this.db
      .updateTable("users")
      .set({ data: JSON.stringify(data) })
      .where("id", "=", userId)
      .execute();
  }

  /** Replaces the provider data of one identity. */
  async setIdentityData(appId: string, providerType: string, externalId: string, data: Record<string, unknown>): Promise<void> {
    await this.db
      .updateTable("identities")
      .set({ provider_data: JSON.stringify(data) })
      .where("app_id", "=", appId)
      .where("provider_type", "=", providerType)
      .where("external_id", "=", externalId)
      .execute();
  }

  /** Records a successful login and, when given, the user's new profile metadata, in one statement. */
  async recordLogin(userId: string, at: number, data?: Record<string, unknown>): Promise<void> {
    if (data === undefined) await touchLogin.run(this.db, { userId, at });
    else await touchLoginWithData.run(this.db, { userId, at, data: JSON.stringify(data) });
  }

  /** Records that the user is still around (a refresh): what keeps an anonymous user from retention. */
  async touchActive(userId: string, at: number): Promise<void> {
    await touchActive.run(this.db, { userId, at });
  }

  /** Disables or enables a user; disabling voids every session issued before `at`. */
  async setDisabled(appId: string, userId: string, disabled: boolean, at: number): Promise<boolean> {
    const update = disabled ? { disabled: 1, sessions_valid_since: at } : { disabled: 0 };
    const result = await this.db.updateTable("users").set(update).where("id", "=", userId).where("app_id", "=", appId).executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  /** Voids every session of the user issued before `at` (admin logout). */
  async invalidateSessions(appId: string, userId: string, at: number): Promise<boolean> {
    const result = await this.db
      .updateTable("users")
      .set({ sessions_valid_since: at })
      .where("id", "=", userId)
      .where("app_id", "=", appId)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  /**
   * Deletes a user of `appId` and everything that hangs off it. Returns false if the app has no such user;
   * then nothing is deleted, not even rows of another app's user with that id.
   */
  async delete(appId: string, userId: string): Promise<boolean> {
    return (await this.deleteMany(appId, [userId])).length > 0;
  }

  /**
   * Deletes many users of one app at once (housekeeping's batches, and `delete` for one): one statement
   * per table for the whole batch. Returns the ids of the users it deleted.
   */
  async deleteMany(appId: string, userIds: readonly string[]): Promise<string[]> {
    if (userIds.length === 0) return [];
    // Only the app's own users lose their rows: dependents are keyed by user id alone.
    const owned = await this.db
      .selectFrom("users")
      .select("id")
      .where("app_id", "=", appId)
      .where("id", "in", [...userIds])
      .execute();
    const ids = owned.map((row) => row.id);
    if (ids.length === 0) return [];
    const accounts = await this.db
      .selectFrom("identities")
      .select("external_id")
      .where("user_id", "in", ids)
      .where("provider_type", "=", "local-userpass")
      .execute();
    const accountIds = accounts.map((a) => a.external_id);
    if (accountIds.length > 0) {
      await this.db.deleteFrom("one_time_tokens").where("account_id", "in", accountIds).execute();
      await this.db.deleteFrom("userpass_accounts").where("id", "in", accountIds).execute();
    }
    for (const table of ["api_keys", "identities", "sessions", "devices", "imported_devices"] as const) {
      await this.db.deleteFrom(table).where("user_id", "in", ids).execute();
    }
    await this.db.deleteFrom("users").where("id", "in", ids).execute();
    return ids;
  }
}

// The login path's statements, compiled once (see PreparedQuery).
const insertUser = new PreparedQuery((db: Kysely<Database>, p) =>
  db.insertInto("users").values({
    id: p("id"),
    app_id: p("appId"),
    type: p("type"),
    disabled: p("disabled"),
    data: p("data"),
    created_at: p("createdAt"),
    last_login_at: p("lastLoginAt"),
    sessions_valid_since: p("validSince"),
  }),
);
const insertIdentity = new PreparedQuery((db: Kysely<Database>, p) =>
  db.insertInto("identities").values({
    app_id: p("appId"),
    provider_type: p("providerType"),
    external_id: p("externalId"),
    user_id: p("userId"),
    provider_name: p("providerName"),
    provider_data: p("providerData"),
    created_at: p("createdAt"),
  }),
);
const identityOwner = new PreparedQuery((db: Kysely<Database>, p) =>
  db
    .selectFrom("identities")
    .select("user_id")
    .where("app_id", "=", p("appId"))
    .where("provider_type", "=", p("providerType"))
    .where("external_id", "=", p("externalId")),
);
const userById = new PreparedQuery((db: Kysely<Database>, p) =>
  db.selectFrom("users").selectAll().where("id", "=", p("userId")).where("app_id", "=", p("appId")),
);
const identitiesOfUser = new PreparedQuery((db: Kysely<Database>, p) =>
  db.selectFrom("identities").selectAll().where("user_id", "=", p("userId")).orderBy("created_at"),
);
const touchLogin = new PreparedQuery((db: Kysely<Database>, p) =>
  db
    .updateTable("users")
    .set({ last_login_at: p("at") })
    .where("id", "=", p("userId")),
);
const touchLoginWithData = new PreparedQuery((db: Kysely<Database>, p) =>
  db
    .updateTable("users")
    .set({ last_login_at: p("at"), data: p("data") })
    .where("id", "=", p("userId")),
);
const touchActive = new PreparedQuery((db: Kysely<Database>, p) =>
  db
    .updateTable("users")
    .set({ last_active_at: p("at") })
    .where("id", "=", p("userId")),
);
