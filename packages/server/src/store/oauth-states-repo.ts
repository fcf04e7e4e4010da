import type { Kysely } from "kysely";
import type { Database } from "./schema.js";

/** OAuth redirect logins in flight. A state is good once: `consume` deletes it. */
export class OAuthStateRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async create(id: string, appId: string, expiresAt: number): Promise<void> {
    await this.db.insertInto("oauth_states").values({ id, app_id: appId, expires_at: expiresAt }).execute();
  }

  /** Deletes the state; true only for the one caller that found it (and before it expired). */
  async consume(id: string, appId: string, now: number): Promise<boolean> {
    const result = await this.db
      .deleteFrom("oauth_states")
      .where("id", "=", id)
      .where("app_id", "=", appId)
      .where("expires_at", ">", now)
      .executeTakeFirst();
    return Number(result.numDeletedRows) === 1;
  }

  async deleteExpired(now: number): Promise<number> {
    const result = await this.db.deleteFrom("oauth_states").where("expires_at", "<=", now).executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}
