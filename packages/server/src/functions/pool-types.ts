/** Types and constants of the worker pool (pool.ts). */
import type { Worker } from "node:worker_threads";
import type { FunctionError } from "./errors.js";
import type { HopBatch } from "./hop-batch.js";
import type { CallMessage, ToWorker } from "./protocol.js";
import type { Admission, Ticket } from "./scheduler.js";

/** Answers a worker's host call: EJSON args in, EJSON result out (a rejection's message goes back). */
export type HostHandler = (kind: "data" | "service", service: string, method: string, args: string) => Promise<string>;

/** Which workers a call may use: user calls, or the lane reserved for auth functions. */
export type Lane = "user" | "auth";

/** Options of {@link WorkerPool}. */
export interface WorkerPoolOptions {
  /** Worker threads for user calls. Default 2. */
  workers?: number;
  /** Worker threads reserved for auth functions (custom-function login, confirmation, reset, triggers). Default 1; 0 shares the user workers. */
  authWorkers?: number;
  /** Extra worker threads a lane may start while all of its workers are held by long synchronous runs. Default 2. */
  maxSurgeWorkers?: number;
  /** Calls of one user in flight at once (per lane); more wait. Default 8. */
  maxConcurrentPerUser?: number;
  /** Calls of one app in flight at once (per lane); more wait. Default 64. */
  maxConcurrentPerApp?: number;
  /** Calls of one app waiting at once (per lane); beyond, calls fail with `functionQueueFull`. Default 256. */
  maxQueuedPerApp?: number;
  /** Memory of each app's QuickJS VM, in each worker. Default 128 MB. */
  memoryLimitMb?: number;
  /** Largest function result, argument list or service payload (EJSON text). Default 8 MiB. */
  maxValueBytes?: number;
  /** How long an unresponsive worker gets beyond the longest time limit in flight on it. Default 1000 ms. */
  stuckGraceMs?: number;
  /** Lines printed outside any call, and pool events worth an operator's attention. */
  log?: (appKey: string, line: string) => void;
  /** Every call's outcome, for metrics (must not throw). */
  onSettled?: (result: "ok" | "timeout" | "error") => void;
}

/** What each lane holds now: for operators and tests. */
export type PoolStats = Record<Lane, { workers: number; held: number; surge: number; running: number; waiting: number }>;

/**
 * What the pool reports as it happens (`pool.events.on(name, ...)`): for operators' tooling and for
 * tests, which wait for these instead of guessing how long the pool takes.
 */
export interface PoolEventMap {
  /** A worker started (or restarted) and can take calls. */
  ready: [{ lane: Lane; threadId: number }];
  /** A worker died (memory, a failure, stopped responding) and is being replaced. */
  replaced: [{ lane: Lane; threadId: number; reason: string }];
  /** A call's synchronous run has held its worker past the hold threshold. */
  hold: [{ lane: Lane; threadId: number; callId: number }];
  /**
   * A held worker gave back calls it had not started (by the pool's call ids); each is placed again
   * and runs elsewhere, or waits in its lane.
   */
  handback: [{ lane: Lane; threadId: number; callIds: number[] }];
  /** The run that held a worker ended. */
  release: [{ lane: Lane; threadId: number; callId: number }];
}

/** A call as the runtime submits it. */
export type CallInput = Omit<CallMessage, "type" | "id">;

/** Where a call runs and whose limits it counts against. */
export interface CallRoute {
  lane?: Lane;
  /** Identifies the calling user within the app; absent for calls made for nobody. */
  userId?: string;
}

/** One worker thread of a lane (respawned in place when it dies). */
export interface Slot {
  lane: LaneState;
  surge: boolean;
  worker?: Worker;
  inflight: Set<number>;
  pingId?: number;
  /** Why the current worker is being killed, for the calls that die with it. */
  killReason?: string;
  /** Workers that exited before saying "ready", in a row: respawns back off. */
  failedStarts: number;
  ready: boolean;
  /** When the worker last sent anything, or last went from idle to busy. */
  lastHeardAt: number;
  /** The call whose synchronous run is holding the worker (the worker said `hold`, not yet `release`). */
  heldBy?: number;
  /** Retires an idle surge worker. */
  idleTimer?: NodeJS.Timeout;
  /** Messages to the worker, sent once per turn. */
  outbox?: HopBatch<ToWorker>;
  /** The highest call id the current worker has begun (pool-thread.ts, `begun`). */
  begun?: BigInt64Array;
  /** Liveness probes ({@link WorkerPool.probe}) waiting for this worker's pong, by ping id. */
  probes: Map<number, (threadId: number | undefined) => void>;
}

/** The workers and the admission of one lane. */
export interface LaneState {
  name: Lane;
  slots: Slot[];
  admission: Admission;
}

/** A call dispatched to a worker and not settled yet. */
export interface Pending {
  slot: Slot;
  ticket: Ticket;
  timeLimitMs: number;
  /** When the worker began the call (its limit counts from there); unset while it waits in the worker. */
  startedAt?: number;
  /** When the backstop sweep next looks at this call (epoch ms). */
  checkAt: number;
  onHost: HostHandler;
  resolve: (result: { value: string; logs: string[] }) => void;
  reject: (error: FunctionError) => void;
}

/** An entry into a VM running this long marks its worker as held by that call. */
export const HOLD_MS = 20;
/** The worker enforces time limits itself; the main thread's deadline is a backstop this much later. */
export const BACKSTOP_MS = 1000;
/**
 * How often the main thread's backstop looks at the calls in flight (while there are any): one timer
 * for the pool instead of one per call, so a backstop fires up to this much after its deadline.
 */
export const SWEEP_MS = 100;
/** How long a call may wait for its worker to boot, on top of its own limit (a hung boot still ends). */
export const BOOT_ALLOWANCE_MS = 10_000;
/** Calls in flight on a worker before the next worker is filled (placement, pool-placement.ts). */
export const FILL_CAP = 8;
/**
 * A busy worker not heard from for this long is not filled further: it may be in a long stretch of
 * work (a run reports hold only after 20 ms; a stuck built-in never does).
 */
export const FILL_QUIET_MS = 5;
/** A busy worker silent for this long is avoided when choosing where a call goes. */
export const SILENT_MS = 100;
/** A busy worker silent for this long is not given new calls. */
export const STUCK_MS = 1000;
/** An idle surge worker is retired after this long. */
export const SURGE_IDLE_MS = 5000;
