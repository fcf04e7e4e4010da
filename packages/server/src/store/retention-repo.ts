import { sql, type Kysely } from "kysely";
import type { Database } from "./schema.js";

/** When a user was last seen: the expression the `users_activity` index is built on. */
const activity = sql<number>`coalesce(last_active_at, last_login_at, created_at)`;

/** A position in the users' activity order (the `users_activity` index), for resuming a scan. */
export interface ActivityCursor {
  activity: number;
  id: string;
}

/**
 * The statements of housekeeping: each touches at most `limit` rows through an index, so one batch is
 * short whatever the size of the tables, and callers loop over batches (store/housekeeping.ts).
 */
export class RetentionRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /**
   * Deletes up to `limit` sessions that expired before `now` or were revoked (a revoked session is as
   * gone as a missing one: both are "failed to find refresh token"), and the devices they leave
   * without any session.
   */
  async deleteEndedSessions(now: number, limit: number): Promise<{ sessions: number; devices: number }> {
    const ended = await this.db.selectFrom("sessions").select(["id", "device_id"]).where("expires_at", "<", now).limit(limit).execute();
    if (ended.length < limit) {
      const revoked = await this.db
        .selectFrom("sessions")
        .select(["id", "device_id"])
        .where("revoked_at", "is not", null)
        .limit(limit - ended.length)
        .execute();
      const seen = new Set(ended.map((s) => s.id));
      ended.push(...revoked.filter((s) => !seen.has(s.id)));
    }
    if (ended.length === 0) return { sessions: 0, devices: 0 };
    await this.db
      .deleteFrom("sessions")
      .where(
        "id",
        "in",
        ended.map((s) => s.id),
      )
      .execute();
    const devices = await this.db
      .deleteFrom("devices")
      .where("id", "in", [...new Set(ended.map((s) => s.device_id))])
      .where(({ not, exists, selectFrom }) =>
        not(exists(selectFrom("sessions as s").select("s.id").whereRef("s.device_id", "=", "devices.id"))),
      )
      .executeTakeFirst();
    return { sessions: ended.length, devices: Number(devices.numDeletedRows) };
  }

  /** Deletes up to `limit` confirmation and reset tokens that expired before `now`. */
  async deleteExpiredTokens(now: number, limit: number): Promise<number> {
    const result = await this.db
      .deleteFrom("one_time_tokens")
      .where("id", "in", (eb) => eb.selectFrom("one_time_tokens").select("id").where("expires_at", "<", now).limit(limit))
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  /** Deletes up to `limit` rate-limit counters of windows that started before `before`. */
  async pruneRateLimits(before: number, limit: number): Promise<number> {
    const result = await this.db
      .deleteFrom("rate_limits")
      .where("key", "in", (eb) => eb.selectFrom("rate_limits").select("key").where("window_start", "<", before).limit(limit))
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  /** Deletes up to `limit` audit events older than `before`. */
  async deleteAuditEvents(before: number, limit: number): Promise<number> {
    const result = await this.db
      .deleteFrom("audit_events")
      .where("id", "in", (eb) => eb.selectFrom("audit_events").select("id").where("at", "<", before).limit(limit))
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  /**
   * Up to `limit` users last seen before `before`, in activity order after `after`, with the provider
   * types of their identities: the candidates for deletion as inactive anonymous users.
   */
  async inactiveUsers(
    before: number,
    after: ActivityCursor | undefined,
    limit: number,
  ): Promise<{ id: string; appId: string; activity: number; providerTypes: string[] }[]> {
    let query = this.db
      .selectFrom("users")
      .select(["id", "app_id", activity.as("activity")])
      .where(activity, "<", before);
    if (after) query = query.where(sql<boolean>`(${activity}, id) > (${after.activity}, ${after.id})`);
    const users = await query.orderBy(activity).orderBy("id").limit(limit).execute();
    if (users.length === 0) return [];
    const identities = await this.db
      .selectFrom("identities")
      .select(["user_id", "provider_type"])
      .where(
        "user_id",
        "in",
        users.map((u) => u.id),
      )
      .execute();
    const types = new Map<string, string[]>();
    for (const row of identities) types.set(row.user_id, [...(types.get(row.user_id) ?? []), row.provider_type]);
    return users.map((u) => ({ id: u.id, appId: u.app_id, activity: Number(u.activity), providerTypes: types.get(u.id) ?? [] }));
  }
}
