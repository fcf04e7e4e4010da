import vm from "node:vm";
import { performance } from "node:perf_hooks";

/** The synchronous start of one call. `run` must catch its own errors; `timedOut` reports the kill. */
export interface SyncTask {
  limitMs: number;
  run(): void;
  timedOut(): void;
}

/**
 * Runs the synchronous part of many calls under vm's `timeout`, several per timed run.
 *
 * vm starts a watchdog thread for every timed run (~40 µs, measured), which capped a worker at a few
 * thousand calls/s when each call had its own. Here calls that arrived together share one watchdog.
 * A run stops taking new calls once it has used a tenth of the smallest time limit in it (at most
 * 100 ms), so a call the watchdog interrupts has itself run for at least ~90% of its limit: only a
 * genuinely runaway call is blamed. The rest of the batch continues in a fresh run.
 */
export class TimedBatchRunner {
  private readonly context = vm.createContext({});
  private readonly entry = new vm.Script("__gatehouseEntry()", { filename: "gatehouse:entry" });
  private body: (() => void) | undefined;

  constructor(private readonly afterTimeout: () => void) {
    Object.defineProperty(this.context, "__gatehouseEntry", { value: () => this.body?.() });
  }

  run(tasks: SyncTask[]): void {
    let next = 0;
    while (next < tasks.length) {
      let limit = Infinity;
      for (let i = next; i < tasks.length; i++) limit = Math.min(limit, tasks[i]!.limitMs);
      const slice = Math.min(100, limit / 10);
      let running = -1;
      this.body = () => {
        const started = performance.now();
        while (next < tasks.length) {
          running = next++;
          tasks[running]!.run();
          if (performance.now() - started > slice) break;
        }
        running = -1;
      };
      try {
        this.entry.runInContext(this.context, { timeout: Math.max(1, Math.floor(limit)) });
      } catch (error) {
        // Only the watchdog gets here (tasks catch their own errors). It ends the run without running
        // `finally` blocks, so per-call state set by the interrupted call must be reset by the owner.
        this.afterTimeout();
        if (running >= 0) tasks[running]!.timedOut();
        else throw error;
      } finally {
        this.body = undefined;
      }
    }
  }
}
