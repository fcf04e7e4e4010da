import type { Clock } from "../clock.js";
import type { Store } from "./store.js";

/** What one housekeeping pass removed. */
export interface HousekeepingResult {
  sessions: number;
  tokens: number;
  rateLimitCounters: number;
}

/**
 * Removes rows that can never matter again: sessions past their expiry, confirmation and reset tokens
 * past theirs, rate-limit counters of windows long over. Every statement is an idempotent delete, so
 * several server instances may run it at once.
 */
export class Housekeeping {
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    /** Counters older than this are dropped: twice the rate-limit window is always enough. */
    private readonly rateLimitWindowMs: number,
  ) {}

  async run(): Promise<HousekeepingResult> {
    const now = this.clock.now();
    return {
      sessions: await this.store.sessions.deleteExpired(now),
      tokens: await this.store.accounts.deleteExpiredTokens(now),
      rateLimitCounters: await this.store.rateLimits.prune(now - 2 * this.rateLimitWindowMs),
    };
  }

  /** Runs every `intervalMs` until `stop`; failures are reported, never thrown. */
  start(intervalMs: number, onError: (error: unknown) => void): void {
    this.timer = setInterval(() => void this.run().catch(onError), intervalMs);
    // Housekeeping never keeps the process alive on its own.
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }
}
