import type { Kysely } from "kysely";
import type { Database } from "./schema.js";

/** One audit event with its id (the admin API's keyset cursor). */
export interface StoredAuditEvent {
  id: number;
  appId: string;
  at: number;
  type: string;
  userId: string | null;
  provider: string | null;
  ip: string | null;
  result: string;
  detail: string | null;
  actor: string | null;
}

/** Filters of the audit log; all optional, combined (AND). Times in milliseconds, exclusive. */
export interface AuditQuery {
  appId: string;
  userId?: string;
  type?: string;
  result?: string;
  after?: number;
  before?: number;
  /** The id of the last event of the previous page: the next page holds older events. */
  cursor?: number;
  limit: number;
}

/** The audit log, newest first, in keyset pages (by event id, which grows with time). */
export class AuditSearchRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async search(q: AuditQuery): Promise<StoredAuditEvent[]> {
    let query = this.db.selectFrom("audit_events").selectAll().where("app_id", "=", q.appId);
    if (q.userId !== undefined) query = query.where("user_id", "=", q.userId);
    if (q.type !== undefined) query = query.where("type", "=", q.type);
    if (q.result !== undefined) query = query.where("result", "=", q.result);
    if (q.after !== undefined) query = query.where("at", ">", q.after);
    if (q.before !== undefined) query = query.where("at", "<", q.before);
    if (q.cursor !== undefined) query = query.where("id", "<", q.cursor);
    const rows = await query.orderBy("id", "desc").limit(q.limit).execute();
    return rows.map((r) => ({
      id: Number(r.id),
      appId: r.app_id,
      at: Number(r.at),
      type: r.type,
      userId: r.user_id,
      provider: r.provider,
      ip: r.ip,
      result: r.result,
      detail: r.detail,
      actor: r.actor,
    }));
  }
}
