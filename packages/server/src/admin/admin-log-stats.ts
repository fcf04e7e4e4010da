import type { AppRuntime } from "../apps/app-runtime.js";
import type { Clock } from "../clock.js";
import { Errors } from "../errors.js";
import type { AuditStatsQuery, Store } from "../store/store.js";
import { parseTime } from "./admin-users.js";

/** Query parameters of `GET …/logs/stats`: the log's filters, a bucket size and a UTC offset. */
export interface LogStatsInput {
  bucket: "hour" | "day";
  user_id?: string;
  type?: string;
  result?: string;
  start_date?: string;
  end_date?: string;
  /** Minutes east of UTC (−840 to 840): day buckets start at that zone's midnight. Default 0. */
  utc_offset?: number;
}

/** Counts of one bucket. `events` counts every matching event; the others are kinds of them. */
export interface LogStatsBucket {
  /** Seconds since the epoch: where the bucket starts. */
  start: number;
  events: number;
  /** `user_created` events that succeeded. */
  signups: number;
  /** `login` events that succeeded. */
  logins: number;
  /** `login` events that failed (any result but `ok`). */
  failed_logins: number;
}

/** What `GET …/logs/stats` answers (a Gatehouse extension; see docs/admin-api.md). */
export interface LogStatsView {
  bucket: "hour" | "day";
  /** The range, in seconds, as used (defaults filled in). */
  start_date: number;
  end_date: number;
  utc_offset: number;
  /** Every bucket the range touches, oldest first, zeros included. */
  buckets: LogStatsBucket[];
  totals: Omit<LogStatsBucket, "start">;
  /** Successful logins by provider type, most first (`unknown` when none was recorded). */
  logins_by_provider: { provider: string; logins: number }[];
}

const SIZE = { hour: 3_600_000, day: 86_400_000 } as const;
/** Default range when `start_date` is left out: two days of hours, thirty days of days. */
const DEFAULT_SPAN = { hour: 2 * SIZE.day, day: 30 * SIZE.day } as const;
/** About six weeks of hours or two and a half years of days: bounded answers. */
export const MAX_BUCKETS = 1000;

/** The audit log counted per hour or day, in one grouped query: the console's charts. */
export class AdminLogStats {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
  ) {}

  async stats(app: AppRuntime, input: LogStatsInput): Promise<LogStatsView> {
    const size = SIZE[input.bucket];
    const offsetMs = (input.utc_offset ?? 0) * 60_000;
    const end = parseTime("end_date", input.end_date) ?? this.clock.now();
    const start = parseTime("start_date", input.start_date) ?? end - DEFAULT_SPAN[input.bucket];
    if (end <= start) throw Errors.logStatsRangeEmpty();
    // Bucket numbers as the store computes them: floor((at + offset) / size); the bounds are exclusive.
    const first = Math.floor((start + 1 + offsetMs) / size);
    const last = Math.floor((end - 1 + offsetMs) / size);
    if (last - first + 1 > MAX_BUCKETS) throw Errors.logStatsRangeTooLong(MAX_BUCKETS, input.bucket);

    const query: AuditStatsQuery = { appId: app.id, after: start, before: end, bucketMs: size, offsetMs };
    if (input.user_id !== undefined) query.userId = input.user_id;
    if (input.type !== undefined) query.type = input.type;
    if (input.result !== undefined) query.result = input.result;
    const rows = await this.store.adminStats.auditStats(query);

    const buckets: LogStatsBucket[] = [];
    for (let b = first; b <= last; b++) {
      buckets.push({ start: Math.floor((b * size - offsetMs) / 1000), events: 0, signups: 0, logins: 0, failed_logins: 0 });
    }
    const totals = { events: 0, signups: 0, logins: 0, failed_logins: 0 };
    const providers = new Map<string, number>();
    for (const row of rows) {
      const bucket = buckets[row.bucket - first];
      if (!bucket) continue; // cannot happen: the range filter and the bucket numbers agree
      const kind = row.type === "user_created" && row.ok ? "signups" : row.type === "login" ? (row.ok ? "logins" : "failed_logins") : null;
      bucket.events += row.count;
      totals.events += row.count;
      if (kind) {
        bucket[kind] += row.count;
        totals[kind] += row.count;
      }
      if (kind === "logins") {
        const provider = row.provider ?? "unknown";
        providers.set(provider, (providers.get(provider) ?? 0) + row.count);
      }
    }
    return {
      bucket: input.bucket,
      start_date: Math.floor(start / 1000),
      end_date: Math.floor(end / 1000),
      utc_offset: input.utc_offset ?? 0,
      buckets,
      totals,
      logins_by_provider: [...providers]
        .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
        .map(([provider, logins]) => ({ provider, logins })),
    };
  }
}
