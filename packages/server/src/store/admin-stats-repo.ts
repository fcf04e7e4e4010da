import { sql, type Kysely } from "kysely";
import type { Database } from "./schema.js";
import { foldUserCountDeltas, userCountsByApp } from "./user-counts.js";

/** Filters of the audit-log statistics: those of the log itself, with a bucket size. Times in ms. */
export interface AuditStatsQuery {
  appId: string;
  userId?: string;
  type?: string;
  result?: string;
  /** Exclusive bounds, as for the log. */
  after: number;
  before: number;
  bucketMs: number;
  /** Added to event times before bucketing, so that days start at the operator's local midnight. */
  offsetMs: number;
}

/** One group of matching events: its bucket number (`floor((at + offset) / size)`), kind and count. */
export interface AuditStatsRow {
  bucket: number;
  type: string;
  ok: boolean;
  provider: string | null;
  count: number;
}

/** The numbers operators look at: users per app, a user's live sessions, the audit log per bucket. */
export class AdminStatsRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /** Users per app (by client app id), from the counter the triggers keep (store/user-counts.ts). */
  userCounts(): Promise<Map<string, number>> {
    return userCountsByApp(this.db);
  }

  /** Folds the count deltas PostgreSQL's trigger appends into the counter rows; how many were folded. */
  foldUserCounts(): Promise<number> {
    return foldUserCountDeltas(this.db);
  }

  /** Sessions of the user neither revoked nor expired (an indexed lookup by user). */
  async activeSessionsOf(userId: string, now: number): Promise<number> {
    const row = await this.db
      .selectFrom("sessions")
      .select((eb) => eb.fn.countAll<number | string>().as("n"))
      .where("user_id", "=", userId)
      .where("revoked_at", "is", null)
      .where("expires_at", ">", now)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  /**
   * Matching events counted by bucket, type, success and provider, in one grouped scan of the range
   * (the `(app_id, at)` index). The bucket size and offset are integers checked by the caller and are
   * written into the statement, so that the grouped expression is the selected one on PostgreSQL too.
   */
  async auditStats(q: AuditStatsQuery): Promise<AuditStatsRow[]> {
    if (!Number.isSafeInteger(q.bucketMs) || q.bucketMs <= 0 || !Number.isSafeInteger(q.offsetMs)) {
      throw new Error("auditStats: bucketMs and offsetMs must be integers");
    }
    const bucket = sql<number | string>`(at + ${sql.lit(q.offsetMs)}) / ${sql.lit(q.bucketMs)}`;
    const ok = sql<number | boolean>`case when result = 'ok' then 1 else 0 end`;
    let query = this.db
      .selectFrom("audit_events")
      .select([bucket.as("bucket"), "type", ok.as("ok"), "provider", (eb) => eb.fn.countAll<number | string>().as("n")])
      .where("app_id", "=", q.appId)
      .where("at", ">", q.after)
      .where("at", "<", q.before);
    if (q.userId !== undefined) query = query.where("user_id", "=", q.userId);
    if (q.type !== undefined) query = query.where("type", "=", q.type);
    if (q.result !== undefined) query = query.where("result", "=", q.result);
    const rows = await query.groupBy([sql`1`, sql`2`, sql`3`, sql`4`]).execute();
    return rows.map((r) => ({ bucket: Number(r.bucket), type: r.type, ok: Number(r.ok) === 1, provider: r.provider, count: Number(r.n) }));
  }
}
