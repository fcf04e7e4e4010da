import type { AppRuntime } from "../apps/app-runtime.js";
import { Errors } from "../errors.js";
import type { AuditQuery, Store, StoredAuditEvent } from "../store/store.js";
import { parseTime } from "./admin-users.js";

/** One audit event as `GET …/logs` returns it (Gatehouse's shape; see docs/admin-api.md). */
export interface AuditEventView {
  /** Decimal id; pass the last one of a page as `after` for the next (older) page. */
  _id: string;
  /** Seconds since the epoch. */
  time: number;
  type: string;
  user_id: string | null;
  provider: string | null;
  ip: string | null;
  /** `ok`, or the catalogue reason / error code of a failure. */
  result: string;
  detail: string | null;
  /** The operator key's name for admin actions; null for a user's own. */
  actor: string | null;
}

/** Query parameters of `GET …/logs`. Times are seconds or ISO 8601 dates. */
export interface AuditLogInput {
  user_id?: string;
  type?: string;
  result?: string;
  start_date?: string;
  end_date?: string;
  after?: string;
  limit?: number;
}

export const LOG_PAGE_SIZE = 100;

/** The app's audit log over the admin API, newest first. */
export class AdminLogs {
  constructor(private readonly store: Store) {}

  async search(app: AppRuntime, input: AuditLogInput): Promise<AuditEventView[]> {
    const query: AuditQuery = { appId: app.id, limit: Math.min(input.limit ?? LOG_PAGE_SIZE, LOG_PAGE_SIZE) };
    if (input.user_id !== undefined) query.userId = input.user_id;
    if (input.type !== undefined) query.type = input.type;
    if (input.result !== undefined) query.result = input.result;
    const after = parseTime("start_date", input.start_date);
    const before = parseTime("end_date", input.end_date);
    if (after !== undefined) query.after = after;
    if (before !== undefined) query.before = before;
    if (input.after !== undefined) {
      if (!/^\d{1,15}$/.test(input.after)) throw Errors.logCursorInvalid();
      query.cursor = Number(input.after);
    }
    return (await this.store.auditSearch.search(query)).map(view);
  }
}

const view = (e: StoredAuditEvent): AuditEventView => ({
  _id: String(e.id),
  time: Math.floor(e.at / 1000),
  type: e.type,
  user_id: e.userId,
  provider: e.provider,
  ip: e.ip,
  result: e.result,
  detail: e.detail,
  actor: e.actor,
});
