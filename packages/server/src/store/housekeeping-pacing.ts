import { performance } from "node:perf_hooks";

/** What housekeeping's pacing measures batches and waits with (tests inject their own). */
export interface PacingTimer {
  /** Monotonic milliseconds: a batch's duration is the difference of two readings. */
  now(): number;
  /** Resolves after `ms`, or at once when `signal` aborts (a `stop()`). */
  wait(ms: number, signal: AbortSignal): Promise<void>;
}

/** The real timer: `performance.now()` and `setTimeout`, cut short by the signal. */
export const realPacingTimer: PacingTimer = {
  now: () => performance.now(),
  wait: (ms, signal) =>
    new Promise((resolve) => {
      if (signal.aborted) return resolve();
      const done = (): void => {
        clearTimeout(timeout);
        signal.removeEventListener("abort", done);
        resolve();
      };
      // setTimeout fires at once past 2^31 − 1 ms.
      const timeout = setTimeout(done, Math.min(ms, 2 ** 31 - 1));
      signal.addEventListener("abort", done, { once: true });
    }),
};

/**
 * The duty cycle of one pass: before each batch (but the pass's first) it waits `ratio` times as long as
 * the previous batch took, so the pass keeps the database busy at most 1 / (1 + ratio) of its time,
 * whatever a batch costs on the data at hand. At 10M users on PostgreSQL one batch of 500 ended sessions
 * wrote up to 500 full-page images (4 MB of WAL); back to back that cost requests a third to half of their
 * throughput (docs/performance.md). A ratio of 0 runs batches back to back, yielding to waiting I/O only.
 */
export class Pacing {
  /** Wait owed for the previous batch. */
  private owedMs = 0;
  private started = false;
  /** Time spent in batches and in pauses (reported in the pass's result). */
  batchMs = 0;
  pausedMs = 0;

  constructor(
    private readonly ratio: number,
    private readonly timer: PacingTimer,
    private readonly signal: AbortSignal,
  ) {}

  /** Runs one batch, after the pause the previous one earned; `undefined` when stopped during the pause. */
  async batch<T>(step: () => Promise<T>): Promise<T | undefined> {
    if (this.started) {
      if (this.owedMs > 0) {
        const from = this.timer.now();
        await this.timer.wait(this.owedMs, this.signal);
        this.pausedMs += this.timer.now() - from;
      } else {
        await yieldToRequests();
      }
      if (this.signal.aborted) return undefined;
    }
    // The pass's first batch starts at once: a stop() right after run() still ends it after one batch.
    this.started = true;
    const from = this.timer.now();
    try {
      return await step();
    } finally {
      const took = this.timer.now() - from;
      this.batchMs += took;
      this.owedMs = took * this.ratio;
    }
  }
}

/** Lets I/O callbacks (waiting requests) run before the next batch. */
function yieldToRequests(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
