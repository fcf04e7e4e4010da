import { readlink } from "node:fs/promises";
import { availableParallelism, getPriority, setPriority } from "node:os";
import { hash as hashOnPool, verify as verifyOnPool } from "@node-rs/argon2";

/**
 * How much lower than the event loop libuv's pool threads are scheduled (Linux niceness added to the
 * process's, at most 19). With argon2 keeping every core busy, a thread of equal priority shares a core
 * with the event loop, so a request that needs a few hundred microseconds of CPU waits for a time slice
 * first: profile p99 of 50–80 ms while logins ran. Lowered, argon2 takes what the event loop leaves. Not
 * lower: other processes on the host at the default priority would then take most of argon2's share.
 */
export const ARGON2_NICENESS = 5;

/** argon2id options as `@node-rs/argon2` takes them. */
export interface Argon2Options {
  algorithm: number;
  memoryCost: number;
  timeCost: number;
  parallelism: number;
  outputLen: number;
}

type Job = { op: "hash"; password: string; options: Argon2Options } | { op: "verify"; hash: string; password: string };

interface Pending {
  job: Job;
  resolve: (value: string | boolean) => void;
  reject: (error: Error) => void;
}

/**
 * The size of this process's libuv pool, read as libuv reads it when the pool starts: the
 * `UV_THREADPOOL_SIZE` of the environment, 4 when unset, at least 1 and at most 1024.
 */
export function threadPoolSize(env: NodeJS.ProcessEnv = process.env): number {
  const chosen = env.UV_THREADPOOL_SIZE;
  if (chosen === undefined) return 4;
  return Math.min(1024, Math.max(1, Math.trunc(Number.parseInt(chosen, 10)) || 1));
}

const lowered = new Set<number>();
let lowering: Promise<void> | undefined;

/**
 * Lowers every thread of libuv's pool by {@link ARGON2_NICENESS}, once per process. Node never names them,
 * but a `readlink` of `/proc/thread-self` runs on a pool thread and answers with that thread's id; rounds
 * of as many as there are threads reach all of them. `setpriority` with a thread id affects that thread
 * only (Linux); elsewhere the pool keeps the process's priority. The pool's other jobs (file reads, DNS
 * lookups) run lowered too: they wait for a core behind the event loop, as argon2 does.
 */
function lowerPoolThreads(size: number): Promise<void> {
  lowering ??= (async () => {
    for (let round = 0; round < 64 && lowered.size < size; round++) {
      let links: string[];
      try {
        links = await Promise.all(Array.from({ length: size }, () => readlink("/proc/thread-self")));
      } catch {
        return;
      }
      for (const link of links) {
        const tid = Number(link.slice(link.lastIndexOf("/") + 1));
        if (!Number.isSafeInteger(tid) || tid === process.pid || lowered.has(tid)) continue;
        lowered.add(tid);
        try {
          setPriority(tid, Math.min(19, getPriority(tid) + ARGON2_NICENESS));
        } catch {
          // Not permitted here (a sandbox): argon2 then runs at the process's priority.
        }
      }
    }
  })();
  return lowering;
}

/**
 * argon2id on libuv's pool, at most one job per core at once (19 MiB each), its threads below the event
 * loop's priority; the other jobs wait here in order. No thread of its own: two Node workers cost ~21 MB,
 * the peak memory row's whole shortfall (docs/performance.md, session 14).
 *
 * Each lane should find the thread it last ran on: a hash that starts on another pool thread costs
 * 0.6–1.2 ms more CPU (the pool wakes its threads in turn). `gatehouse serve` therefore sizes the pool to
 * the cores (`bin/gatehouse.cjs`), so a lane's next job goes to the thread that just finished; other pool
 * jobs then wait for at most one hash. In a process whose pool is larger, argon2 still works, more slowly.
 */
export class Argon2Threads {
  private readonly waiting: Pending[] = [];
  private running = 0;
  private readonly poolSize = threadPoolSize();

  constructor(private readonly size: number = Math.min(availableParallelism(), threadPoolSize())) {}

  hash(password: string, options: Argon2Options): Promise<string> {
    return this.submit({ op: "hash", password, options }) as Promise<string>;
  }

  verify(hash: string, password: string): Promise<boolean> {
    return this.submit({ op: "verify", hash, password }) as Promise<boolean>;
  }

  /** Jobs computing and jobs waiting behind them (the argon2 gauges). */
  load(): { running: number; waiting: number } {
    return { running: this.running, waiting: this.waiting.length };
  }

  private submit(job: Job): Promise<string | boolean> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ job, resolve, reject });
      this.dispatch();
    });
  }

  private dispatch(): void {
    while (this.running < this.size && this.waiting.length > 0) {
      this.running++;
      void this.run(this.waiting.shift()!);
    }
  }

  private async run({ job, resolve, reject }: Pending): Promise<void> {
    let outcome: { value: string | boolean } | { error: Error };
    try {
      await lowerPoolThreads(this.poolSize);
      const value = await (job.op === "hash" ? hashOnPool(job.password, job.options) : verifyOnPool(job.hash, job.password));
      outcome = { value };
    } catch (error) {
      outcome = { error: error instanceof Error ? error : new Error(String(error)) };
    }
    // The next job first: its lane's thread is idle until it gets one.
    this.running--;
    this.dispatch();
    if ("value" in outcome) resolve(outcome.value);
    else reject(outcome.error);
  }
}
