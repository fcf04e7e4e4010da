import { createRequire } from "node:module";
import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";

/**
 * How much lower than the event loop an argon2 thread is scheduled (Linux niceness added to the
 * process's, at most 19). With argon2
 * keeping every core busy, a thread of equal priority shares a core with the event loop, so a request
 * that needs a few hundred microseconds of CPU waits for a time slice first: profile p99 of 50–80 ms
 * while logins ran. Lowered, argon2 takes what the event loop leaves. Not lower: other processes on
 * the host at the default priority would then take most of argon2's share under load.
 */
export const ARGON2_NICENESS = 5;

/** Jobs sent to one thread at once: one computing, one waiting in its port so it never idles between. */
const DEPTH = 2;

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
 * The thread's whole program, run with `eval` (no file to find from `dist/` or under tsx): lower its
 * own priority by {@link ARGON2_NICENESS} below the process's, then compute each job synchronously and
 * answer with its id. `setpriority` with a thread id affects that thread only (Linux); elsewhere the
 * thread keeps the process's priority.
 */
const THREAD_SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
const argon2 = require(workerData.argon2);
try {
  const os = require("node:os");
  const self = require("node:fs").readlinkSync("/proc/thread-self");
  const tid = Number(self.slice(self.lastIndexOf("/") + 1));
  os.setPriority(tid, Math.min(19, os.getPriority(tid) + workerData.niceness));
} catch {}
parentPort.on("message", ({ id, job }) => {
  try {
    const value = job.op === "hash" ? argon2.hashSync(job.password, job.options) : argon2.verifySync(job.hash, job.password);
    parentPort.postMessage({ id, value });
  } catch (error) {
    parentPort.postMessage({ id, error: String(error && error.message ? error.message : error) });
  }
});
`;

/** One argon2 thread and the jobs it was handed, oldest first. */
class Argon2Thread {
  readonly jobs = new Map<number, Pending>();
  private readonly worker: Worker;

  constructor(argon2: string, onIdle: () => void, onExit: (thread: Argon2Thread) => void) {
    this.worker = new Worker(THREAD_SOURCE, { eval: true, workerData: { argon2, niceness: ARGON2_NICENESS }, stdout: false });
    // An idle thread never keeps the process alive; one with a job does (a CLI awaiting a hash). Once
    // more when it is up: a thread started beside the first job, with none of its own yet, otherwise held
    // its message port referenced.
    this.worker.unref();
    this.worker.once("online", () => {
      if (this.jobs.size === 0) this.worker.unref();
    });
    this.worker.on("message", ({ id, value, error }: { id: number; value?: string | boolean; error?: string }) => {
      const pending = this.jobs.get(id);
      this.jobs.delete(id);
      if (this.jobs.size === 0) this.worker.unref();
      if (error === undefined) pending?.resolve(value!);
      else pending?.reject(new Error(error));
      onIdle();
    });
    this.worker.on("error", (error) => this.fail(error));
    this.worker.on("exit", (code) => {
      this.fail(new Error(`argon2 thread exited (${code})`));
      onExit(this);
    });
  }

  send(id: number, pending: Pending): void {
    if (this.jobs.size === 0) this.worker.ref();
    this.jobs.set(id, pending);
    this.worker.postMessage({ id, job: pending.job });
  }

  private fail(error: Error): void {
    for (const pending of this.jobs.values()) pending.reject(error);
    this.jobs.clear();
  }
}

/**
 * argon2id on threads of its own, one per core, each scheduled below the event loop
 * ({@link ARGON2_NICENESS}): the event loop gets a core whenever it has work, and argon2 the rest. Not on
 * libuv's pool, which is one FIFO queue shared with file system calls, so argon2 there had to be capped
 * below the pool's size. Each thread holds at most {@link DEPTH} jobs (one computing, 19 MiB of argon2
 * memory, and the next); the others wait here in order. All threads start with the first job.
 */
export class Argon2Threads {
  private readonly threads: Argon2Thread[] = [];
  private readonly waiting: Pending[] = [];
  private nextId = 0;
  private readonly argon2 = createRequire(import.meta.url).resolve("@node-rs/argon2");

  constructor(private readonly size: number = availableParallelism()) {}

  hash(password: string, options: Argon2Options): Promise<string> {
    return this.submit({ op: "hash", password, options }) as Promise<string>;
  }

  verify(hash: string, password: string): Promise<boolean> {
    return this.submit({ op: "verify", hash, password }) as Promise<boolean>;
  }

  /** Jobs computing (one per busy thread) and jobs waiting behind them (the argon2 gauges). */
  load(): { running: number; waiting: number } {
    let running = 0;
    let queued = this.waiting.length;
    for (const thread of this.threads) {
      if (thread.jobs.size > 0) running++;
      queued += Math.max(0, thread.jobs.size - 1);
    }
    return { running, waiting: queued };
  }

  private submit(job: Job): Promise<string | boolean> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ job, resolve, reject });
      this.dispatch();
    });
  }

  /**
   * Hands waiting jobs to the least busy threads. Every thread starts with the first job (in a server,
   * the start-up dummy hash): a thread's start costs a few MB for a moment, and started with the first
   * burst of concurrent logins that came on top of the 19 MiB each of the jobs already computing.
   */
  private dispatch(): void {
    if (this.waiting.length === 0) return;
    while (this.threads.length < this.size) {
      this.threads.push(
        new Argon2Thread(
          this.argon2,
          () => this.dispatch(),
          (gone) => {
            this.threads.splice(this.threads.indexOf(gone), 1);
            this.dispatch();
          },
        ),
      );
    }
    while (this.waiting.length > 0) {
      let target: Argon2Thread | undefined;
      for (const thread of this.threads) if (!target || thread.jobs.size < target.jobs.size) target = thread;
      if (!target || target.jobs.size >= DEPTH) return;
      target.send(this.nextId++, this.waiting.shift()!);
    }
  }
}
