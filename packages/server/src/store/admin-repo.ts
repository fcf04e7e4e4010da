import type { Kysely } from "kysely";
import type { Database } from "./schema.js";

/** An operator API key as stored (the private part only as its hash). */
export interface AdminKeyRecord {
  id: string;
  username: string;
  name: string;
  keyHash: string;
  createdAt: number;
  lastUsedAt: number | null;
}

/** An admin session and whether its key still exists. */
export interface AdminSessionRecord {
  id: string;
  keyId: string;
  createdAt: number;
  expiresAt: number;
  revokedAt: number | null;
}

/** Operator API keys and the admin sessions opened with them. */
export class AdminRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async createKey(key: AdminKeyRecord): Promise<void> {
    await this.db
      .insertInto("admin_keys")
      .values({
        id: key.id,
        username: key.username,
        name: key.name,
        key_hash: key.keyHash,
        created_at: key.createdAt,
        last_used_at: key.lastUsedAt,
      })
      .execute();
  }

  async listKeys(): Promise<AdminKeyRecord[]> {
    const rows = await this.db.selectFrom("admin_keys").selectAll().orderBy("created_at").orderBy("id").execute();
    return rows.map(toKey);
  }

  async keyByUsername(username: string): Promise<AdminKeyRecord | undefined> {
    const row = await this.db.selectFrom("admin_keys").selectAll().where("username", "=", username).executeTakeFirst();
    return row && toKey(row);
  }

  async keyById(id: string): Promise<AdminKeyRecord | undefined> {
    const row = await this.db.selectFrom("admin_keys").selectAll().where("id", "=", id).executeTakeFirst();
    return row && toKey(row);
  }

  async touchKey(id: string, at: number): Promise<void> {
    await this.db.updateTable("admin_keys").set({ last_used_at: at }).where("id", "=", id).execute();
  }

  /** Deletes a key and every session it opened; false if there was no such key. */
  async deleteKey(id: string): Promise<boolean> {
    await this.db.deleteFrom("admin_sessions").where("key_id", "=", id).execute();
    const result = await this.db.deleteFrom("admin_keys").where("id", "=", id).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  async createSession(session: AdminSessionRecord): Promise<void> {
    await this.db
      .insertInto("admin_sessions")
      .values({
        id: session.id,
        key_id: session.keyId,
        created_at: session.createdAt,
        expires_at: session.expiresAt,
        revoked_at: session.revokedAt,
      })
      .execute();
  }

  /** A session together with its key; undefined when either is gone. */
  async sessionWithKey(sessionId: string): Promise<{ session: AdminSessionRecord; key: AdminKeyRecord } | undefined> {
    const row = await this.db
      .selectFrom("admin_sessions as s")
      .innerJoin("admin_keys as k", "k.id", "s.key_id")
      .select([
        "s.id as s_id",
        "s.key_id",
        "s.created_at as s_created_at",
        "s.expires_at",
        "s.revoked_at",
        "k.id",
        "k.username",
        "k.name",
        "k.key_hash",
        "k.created_at",
        "k.last_used_at",
      ])
      .where("s.id", "=", sessionId)
      .executeTakeFirst();
    if (!row) return undefined;
    return {
      session: {
        id: row.s_id,
        keyId: row.key_id,
        createdAt: Number(row.s_created_at),
        expiresAt: Number(row.expires_at),
        revokedAt: row.revoked_at === null ? null : Number(row.revoked_at),
      },
      key: toKey(row),
    };
  }

  async revokeSession(sessionId: string, at: number): Promise<boolean> {
    const result = await this.db
      .updateTable("admin_sessions")
      .set({ revoked_at: at })
      .where("id", "=", sessionId)
      .where("revoked_at", "is", null)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  /** Deletes sessions that expired before `before` (housekeeping). */
  async deleteExpiredSessions(before: number): Promise<number> {
    const result = await this.db.deleteFrom("admin_sessions").where("expires_at", "<", before).executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}

/** Run-time settings (JSON values by scope and key), written by the admin API. */
export class RuntimeSettingsRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async get(scope: string, key: string): Promise<unknown> {
    const row = await this.db
      .selectFrom("runtime_settings")
      .select("value")
      .where("scope", "=", scope)
      .where("key", "=", key)
      .executeTakeFirst();
    return row === undefined ? undefined : (JSON.parse(row.value) as unknown);
  }

  /** Every setting of a scope. */
  async all(scope: string): Promise<Record<string, unknown>> {
    const rows = await this.db.selectFrom("runtime_settings").select(["key", "value"]).where("scope", "=", scope).execute();
    return Object.fromEntries(rows.map((r) => [r.key, JSON.parse(r.value) as unknown]));
  }

  async set(scope: string, key: string, value: unknown, at: number): Promise<void> {
    const json = JSON.stringify(value);
    await this.db
      .insertInto("runtime_settings")
      .values({ scope, key, value: json, updated_at: at })
      .onConflict((oc) => oc.columns(["scope", "key"]).doUpdateSet({ value: json, updated_at: at }))
      .execute();
  }

  /** Writes `value` unless the key is set; returns what is stored (two instances starting at once agree). */
  async setIfAbsent(scope: string, key: string, value: unknown, at: number): Promise<unknown> {
    await this.db
      .insertInto("runtime_settings")
      .values({ scope, key, value: JSON.stringify(value), updated_at: at })
      .onConflict((oc) => oc.columns(["scope", "key"]).doNothing())
      .execute();
    return this.get(scope, key);
  }
}

function toKey(row: Database["admin_keys"]): AdminKeyRecord {
  return {
    id: row.id,
    username: row.username,
    name: row.name,
    keyHash: row.key_hash,
    createdAt: Number(row.created_at),
    lastUsedAt: row.last_used_at === null ? null : Number(row.last_used_at),
  };
}
