import type { Clock } from "../clock.js";
import { DEFAULT_HOUSEKEEPING_PAUSE_RATIO, type ResolvedServerConfig } from "../server-config.js";
import { Pacing, realPacingTimer, type PacingTimer } from "./housekeeping-pacing.js";
import type { ActivityCursor } from "./retention-repo.js";
import type { Store } from "./store.js";

/** How often expired rows are removed (once per server: by the supervisor when there are workers). */
export const HOUSEKEEPING_INTERVAL_MS = 10 * 60 * 1000;

/** What one housekeeping pass removed. */
export interface HousekeepingResult {
  sessions: number;
  devices: number;
  tokens: number;
  rateLimitCounters: number;
  anonymousUsers: number;
  auditEvents: number;
  /** Statements of at most `batchSize` rows the pass ran (other requests are served between them). */
  batches: number;
  /** Milliseconds the pass spent in its batches, and paused between them (`pauseRatio`). */
  batchMs: number;
  pausedMs: number;
  /** Expired admin API sessions (few: one per operator login). */
  adminSessions: number;
  /** OAuth redirect states never called back (few: their creation is rate-limited). */
  oauthStates: number;
}

/** What housekeeping keeps, and how much it does at a time. */
export interface HousekeepingSettings {
  /** Counters older than twice the rate-limit window can never matter again. */
  rateLimitWindowMs: number;
  /** Anonymous users without a login or refresh for this long are deleted. */
  anonymousUserInactiveMs: number;
  /** Audit events older than this are deleted. */
  auditEventMs: number;
  /** Rows per statement; default 500. */
  batchSize?: number;
  /**
   * After each batch, wait this many times as long as the batch took (default
   * `DEFAULT_HOUSEKEEPING_PAUSE_RATIO`): a pass keeps the database busy at most 1 / (1 + ratio) of its time.
   * 0 runs batches back to back.
   */
  pauseRatio?: number;
}

const DAY = 24 * 3600 * 1000;

/** The settings a server config implies (one place: the single server and the `--workers` supervisor). */
export function housekeepingSettings(config: ResolvedServerConfig): HousekeepingSettings {
  return {
    rateLimitWindowMs: config.rateLimits.windowSeconds * 1000,
    anonymousUserInactiveMs: config.retention.anonymousUserInactiveDays * DAY,
    auditEventMs: config.retention.auditEventDays * DAY,
    pauseRatio: config.housekeeping.pauseRatio,
  };
}

/**
 * Reclaims what can never matter again, and what clients left behind: ended sessions (expired or
 * revoked) and the devices they leave without a session, expired confirmation and reset tokens, stale
 * rate-limit counters, anonymous users inactive past the retention, audit events past theirs, OAuth
 * redirect states never called back.
 *
 * Work is done in batches of at most `batchSize` rows, each one short statement through an index, with a
 * pause between them proportional to the batch's own duration (`pauseRatio`), so a pass over millions of
 * rows never stalls requests nor takes more than a set share of the database's time.
 * Every statement is an idempotent delete (or, for the user-count deltas, a fold that counts each row once),
 * so several server instances may run it at once.
 */
export class Housekeeping {
  private interval: NodeJS.Timeout | undefined;
  private running: Promise<HousekeepingResult> | undefined;
  /** The running pass's stop signal (`stop` aborts it, which also cuts a pause short). */
  private current: AbortController | undefined;
  /** Where the scan of inactive users stopped: users before it were deleted or are not anonymous. */
  private cursor: ActivityCursor | undefined;
  private readonly batchSize: number;
  private readonly pauseRatio: number;

  /** `timer` measures batches and times the pauses; tests pass their own. */
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly settings: HousekeepingSettings,
    private readonly timer: PacingTimer = realPacingTimer,
  ) {
    this.batchSize = settings.batchSize ?? 500;
    this.pauseRatio = settings.pauseRatio ?? DEFAULT_HOUSEKEEPING_PAUSE_RATIO;
    if (!(this.pauseRatio >= 0 && Number.isFinite(this.pauseRatio))) throw new Error("housekeeping: pauseRatio must be a number ≥ 0");
  }

  /** One pass; a pass asked for while one runs shares it. */
  run(): Promise<HousekeepingResult> {
    if (!this.running) {
      const current = (this.current = new AbortController());
      this.running = this.pass(current).finally(() => (this.running = undefined));
    }
    return this.running;
  }

  private async pass(current: AbortController): Promise<HousekeepingResult> {
    const now = this.clock.now();
    const { store, batchSize: limit } = this;
    const result: HousekeepingResult = {
      sessions: 0,
      devices: 0,
      tokens: 0,
      rateLimitCounters: 0,
      anonymousUsers: 0,
      auditEvents: 0,
      batches: 0,
      batchMs: 0,
      pausedMs: 0,
      adminSessions: 0,
      oauthStates: 0,
    };
    const pacing = new Pacing(this.pauseRatio, this.timer, current.signal);
    const batches = async (step: () => Promise<number>): Promise<void> => {
      for (;;) {
        if (current.signal.aborted) return;
        const done = await pacing.batch(step);
        if (done === undefined) return;
        result.batches++;
        if (done < limit) return;
      }
    };
    await batches(async () => {
      const { sessions, devices } = await store.transaction((tx) => tx.retention.deleteEndedSessions(now, limit));
      result.sessions += sessions;
      result.devices += devices;
      return sessions;
    });
    await batches(async () => add(result, "tokens", await store.retention.deleteExpiredTokens(now, limit)));
    await batches(async () =>
      add(result, "rateLimitCounters", await store.retention.pruneRateLimits(now - 2 * this.settings.rateLimitWindowMs, limit)),
    );
    await batches(() => this.deleteInactiveAnonymousUsers(now, result));
    await batches(async () => add(result, "auditEvents", await store.retention.deleteAuditEvents(now - this.settings.auditEventMs, limit)));
    result.batchMs = pacing.batchMs;
    result.pausedMs = pacing.pausedMs;
    if (current.signal.aborted) return result;
    result.adminSessions = await store.admin.deleteExpiredSessions(now);
    result.oauthStates = await store.oauthStates.deleteExpired(now);
    // Keeps the user-count read short: it sums the deltas not folded yet (store/user-counts.ts).
    await store.adminStats.foldUserCounts();
    return result;
  }

  /** One batch of the activity scan: deletes the anonymous-only users in it; returns how many it scanned. */
  private async deleteInactiveAnonymousUsers(now: number, result: HousekeepingResult): Promise<number> {
    const before = now - this.settings.anonymousUserInactiveMs;
    // A restart, or a clock moved back, starts the scan over.
    if (this.cursor && this.cursor.activity >= before) this.cursor = undefined;
    const candidates = await this.store.retention.inactiveUsers(before, this.cursor, this.batchSize);
    const anonymous = candidates.filter((u) => u.providerTypes.length > 0 && u.providerTypes.every((t) => t === "anon-user"));
    if (anonymous.length > 0) {
      const byApp = new Map<string, string[]>();
      for (const user of anonymous) byApp.set(user.appId, [...(byApp.get(user.appId) ?? []), user.id]);
      const detail = `by housekeeping: inactive for ${Math.round(this.settings.anonymousUserInactiveMs / DAY)} days`;
      // One statement per table for the batch: one by one, a batch of ~150 anonymous users was ~1,400
      // statements, the largest share of what a pass over millions of users costs the database.
      await this.store.transaction(async (tx) => {
        for (const [appId, ids] of byApp) {
          const deleted = await tx.users.deleteMany(appId, ids);
          result.anonymousUsers += deleted.length;
          await tx.audit.appendMany(
            deleted.map((userId) => ({ appId, at: now, type: "delete", userId, provider: "anon-user", result: "ok", detail })),
          );
        }
      });
    }
    const last = candidates[candidates.length - 1];
    if (last) this.cursor = { activity: last.activity, id: last.id };
    return candidates.length;
  }

  /** Runs every `intervalMs` until `stop`; failures are reported, never thrown. */
  start(intervalMs: number, onError: (error: unknown) => void): void {
    this.interval = setInterval(() => void this.run().catch(onError), intervalMs);
    // Housekeeping never keeps the process alive on its own.
    this.interval.unref();
  }

  /**
   * Stops the interval, and ends a running pass after the batch it is in, or at once when it is pausing
   * between batches (its promise resolves with what it removed so far): over millions of rows the first
   * pass of a process can take many minutes, which a shutdown should not wait for, nor cut off with the
   * store closed under it.
   */
  stop(): void {
    clearInterval(this.interval);
    this.current?.abort();
  }
}

function add(result: HousekeepingResult, field: "tokens" | "rateLimitCounters" | "auditEvents", count: number): number {
  result[field] += count;
  return count;
}
