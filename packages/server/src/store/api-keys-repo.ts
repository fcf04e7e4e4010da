import type { Kysely } from "kysely";
import type { Database } from "./schema.js";

/** A user API key as stored (the key itself only as its hash). */
export interface ApiKeyRecord {
  id: string;
  appId: string;
  userId: string;
  name: string;
  keyHash: string;
  disabled: boolean;
  createdAt: number;
}

/** User API keys (PROTOCOL.md §9). */
export class ApiKeyRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /** Inserts a key; a unique violation means the user already has a key of that name. */
  async create(key: ApiKeyRecord): Promise<void> {
    await this.db
      .insertInto("api_keys")
      .values({
        id: key.id,
        app_id: key.appId,
        user_id: key.userId,
        name: key.name,
        key_hash: key.keyHash,
        disabled: key.disabled ? 1 : 0,
        created_at: key.createdAt,
      })
      .execute();
  }

  async listOf(userId: string): Promise<ApiKeyRecord[]> {
    const rows = await this.db.selectFrom("api_keys").selectAll().where("user_id", "=", userId).orderBy("created_at").execute();
    return rows.map(toRecord);
  }

  async countOf(userId: string): Promise<number> {
    const row = await this.db
      .selectFrom("api_keys")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .where("user_id", "=", userId)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  /** A key of this user, or undefined (another user's key is not found either). */
  async getOf(userId: string, id: string): Promise<ApiKeyRecord | undefined> {
    const row = await this.db.selectFrom("api_keys").selectAll().where("id", "=", id).where("user_id", "=", userId).executeTakeFirst();
    return row && toRecord(row);
  }

  /** Server API keys of an app (keys whose owner is a `server` user), oldest first. */
  async listServerKeys(appId: string): Promise<ApiKeyRecord[]> {
    const rows = await this.db
      .selectFrom("api_keys as k")
      .innerJoin("users as u", "u.id", "k.user_id")
      .selectAll("k")
      .where("k.app_id", "=", appId)
      .where("u.type", "=", "server")
      .orderBy("k.created_at")
      .orderBy("k.id")
      .execute();
    return rows.map(toRecord);
  }

  async findByHash(keyHash: string): Promise<ApiKeyRecord | undefined> {
    const row = await this.db.selectFrom("api_keys").selectAll().where("key_hash", "=", keyHash).executeTakeFirst();
    return row && toRecord(row);
  }

  async setDisabled(userId: string, id: string, disabled: boolean): Promise<boolean> {
    const result = await this.db
      .updateTable("api_keys")
      .set({ disabled: disabled ? 1 : 0 })
      .where("id", "=", id)
      .where("user_id", "=", userId)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  async delete(userId: string, id: string): Promise<void> {
    await this.db.deleteFrom("api_keys").where("id", "=", id).where("user_id", "=", userId).execute();
  }
}

function toRecord(row: Database["api_keys"]): ApiKeyRecord {
  return {
    id: row.id,
    appId: row.app_id,
    userId: row.user_id,
    name: row.name,
    keyHash: row.key_hash,
    disabled: row.disabled === 1,
    createdAt: Number(row.created_at),
  };
}
