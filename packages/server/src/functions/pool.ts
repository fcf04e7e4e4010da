import { EventEmitter } from "node:events";
import type { Worker } from "node:worker_threads";
import { errorFromWire, ExecutionTimeLimitExceeded, FunctionExecutionError, type FunctionError } from "./errors.js";
import { HopBatch } from "./hop-batch.js";
import { backstopSweep } from "./pool-backstop.js";
import { laneStats, placeOn } from "./pool-placement.js";
import { startWorkerThread, WORKER_HEAP_MB, type WorkerSettings } from "./pool-thread.js";
import {
  BACKSTOP_MS,
  BOOT_ALLOWANCE_MS,
  HOLD_MS,
  SURGE_IDLE_MS,
  SWEEP_MS,
  type CallInput,
  type CallRoute,
  type HostHandler,
  type Lane,
  type LaneState,
  type Pending,
  type PoolEventMap,
  type PoolStats,
  type Slot,
  type WorkerPoolOptions,
} from "./pool-types.js";
import type { AppSandboxSpec, FromWorker, ToWorker } from "./protocol.js";
import { Admission, type AdmissionLimits, type HandedBack, type Ticket } from "./scheduler.js";

export type { CallInput, CallRoute, HostHandler, Lane, PoolEventMap, PoolStats, WorkerPoolOptions } from "./pool-types.js";

/**
 * The function worker threads, shared by any number of apps, and the scheduling of calls onto them.
 *
 * Two lanes: user calls, and a reserve for auth functions, so logins never wait behind user code.
 * In each lane a call starts only while its app and its user are below their concurrency limits
 * (scheduler.ts), and only on a worker that is not held by a long synchronous run (the VM reports
 * runs past 20 ms). When every worker of a lane is held, the lane starts a surge worker, so one user's
 * or one app's loops delay only their own calls; the OS shares the cores between the threads.
 *
 * Time limits are enforced inside the VMs; a worker that stops answering (a run stuck in a built-in)
 * is replaced, failing only the calls on it.
 */
export class WorkerPool {
  /** Pool events: see {@link PoolEventMap}. */
  readonly events = new EventEmitter<PoolEventMap>();
  private readonly settings: Omit<WorkerSettings, "lazy" | "begun">;
  private readonly stuckGraceMs: number;
  private readonly maxSurge: number;
  private readonly lanes: Record<Lane, LaneState>;
  private readonly apps = new Map<string, AppSandboxSpec>();
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  /** The backstop sweep, armed while calls are in flight. */
  private sweepTimer: NodeJS.Timeout | undefined;
  private started = false;
  private closed = false;

  constructor(private readonly options: WorkerPoolOptions = {}) {
    this.settings = {
      memoryLimitMb: options.memoryLimitMb ?? 128,
      maxValueBytes: options.maxValueBytes ?? 8 * 1024 * 1024,
      holdMs: HOLD_MS,
    };
    this.stuckGraceMs = options.stuckGraceMs ?? 1000;
    this.maxSurge = Math.max(0, options.maxSurgeWorkers ?? 2);
    const limits: AdmissionLimits = {
      perUser: Math.max(1, options.maxConcurrentPerUser ?? 8),
      perApp: Math.max(1, options.maxConcurrentPerApp ?? 64),
      maxQueuedPerApp: Math.max(0, options.maxQueuedPerApp ?? 256),
    };
    const lane = (name: Lane): LaneState => {
      const state: LaneState = { name, slots: [], admission: new Admission(limits, (regularOnly) => this.place(state, regularOnly)) };
      return state;
    };
    const user = lane("user");
    this.lanes = { user, auth: (options.authWorkers ?? 1) > 0 ? lane("auth") : user };
  }

  /** Spawns the workers (idempotent). */
  start(): void {
    if (this.started || this.closed) return;
    this.started = true;
    for (let i = 0; i < Math.max(1, this.options.workers ?? 2); i++) this.addSlot(this.lanes.user, false);
    if (this.lanes.auth !== this.lanes.user) {
      for (let i = 0; i < (this.options.authWorkers ?? 1); i++) this.addSlot(this.lanes.auth, false);
    }
  }

  /** Loads an app into every worker, now and after every respawn. */
  addApp(spec: AppSandboxSpec): void {
    this.apps.set(spec.appKey, spec);
    for (const slot of this.allSlots()) this.post(slot, { type: "init", app: spec });
  }

  removeApp(appKey: string): void {
    this.apps.delete(appKey);
    for (const slot of this.allSlots()) this.post(slot, { type: "drop", appKey });
  }

  /** Runs one call; resolves with the EJSON result and printed lines. */
  run(input: CallInput, onHost: HostHandler, route: CallRoute = {}): Promise<{ value: string; logs: string[] }> {
    if (this.closed) return Promise.reject(new FunctionExecutionError("the function runtime is closed"));
    this.start();
    const lane = this.lanes[route.lane ?? "user"];
    return new Promise((resolve, reject) => {
      const ticket: Ticket = {
        appKey: input.appKey,
        ...(route.userId !== undefined ? { userKey: `user:${input.appKey}:${route.userId}` } : {}),
        start: (slot) => this.dispatch(slot as Slot, ticket, input, onHost, resolve, reject),
        reject,
      };
      lane.admission.submit(ticket);
    });
  }

  /** Workers, workers held by a long run, surge workers, calls running and waiting, per lane. */
  stats(): PoolStats {
    return { user: laneStats(this.lanes.user), auth: laneStats(this.lanes.auth) };
  }

  /**
   * Pings every worker and resolves, once each has answered or died, with the thread ids of those
   * that answered (in lane order). A worker that answers is not stuck: every run inside it has ended
   * or been interrupted.
   */
  probe(): Promise<number[]> {
    const answers = this.allSlots().map((slot) => {
      const worker = slot.worker;
      if (!worker || slot.killReason) return Promise.resolve(undefined);
      const id = this.nextId++;
      return new Promise<number | undefined>((resolve) => {
        slot.probes.set(id, resolve);
        this.post(slot, { type: "ping", id });
      });
    });
    return Promise.all(answers).then((ids) => ids.filter((id): id is number => id !== undefined));
  }

  /** Fails pending and waiting calls and terminates the workers. */
  async close(): Promise<void> {
    this.closed = true;
    const closedError = () => new FunctionExecutionError("the function runtime is closed");
    for (const lane of new Set(Object.values(this.lanes))) for (const ticket of lane.admission.drain()) ticket.reject(closedError());
    for (const id of [...this.pending.keys()]) this.settle(id, closedError());
    clearTimeout(this.sweepTimer);
    await Promise.all(this.allSlots().map((slot) => slot.worker?.terminate()));
  }

  private allSlots(): Slot[] {
    return [...new Set(Object.values(this.lanes))].flatMap((lane) => lane.slots);
  }

  /**
   * The worker that should take a lane's next call (pool-placement.ts: the first not full, not held
   * by a long run, else the least busy). When
   * every worker is held, a surge worker (up to `maxSurgeWorkers`); when none can be had, nothing —
   * the call waits in its lane rather than behind someone's loop. `regularOnly` (a call its own
   * caller's loop gave back): never a surge worker, so one caller's loops cannot hold them all.
   */
  private place(lane: LaneState, regularOnly = false): Slot | undefined {
    const best = placeOn(lane.slots, Date.now(), regularOnly);
    if (best || regularOnly) return best;
    const surges = lane.slots.filter((slot) => slot.surge).length;
    if (surges < this.maxSurge && !this.closed && this.started) return this.addSlot(lane, true);
    return undefined;
  }

  private dispatch(
    slot: Slot,
    ticket: Ticket,
    input: CallInput,
    onHost: HostHandler,
    resolve: Pending["resolve"],
    reject: Pending["reject"],
  ): void {
    const id = this.nextId++;
    clearTimeout(slot.idleTimer);
    const now = Date.now();
    const checkAt = now + input.timeLimitMs + BACKSTOP_MS + (slot.ready ? 0 : BOOT_ALLOWANCE_MS);
    this.pending.set(id, { slot, ticket, timeLimitMs: input.timeLimitMs, checkAt, onHost, resolve, reject });
    if (slot.inflight.size === 0) slot.lastHeardAt = now;
    slot.inflight.add(id);
    this.sweepTimer ??= setTimeout(this.sweep, SWEEP_MS);
    slot.outbox!.push({ type: "call", id, ...input });
  }

  /** Sends a message to a slot's worker now, after the calls waiting to go to it. */
  private post(slot: Slot, message: ToWorker): void {
    slot.outbox?.urgent(message);
  }

  private addSlot(lane: LaneState, surge: boolean): Slot {
    const slot: Slot = { lane, surge, inflight: new Set(), failedStarts: 0, ready: false, lastHeardAt: 0, probes: new Map() };
    lane.slots.push(slot);
    this.spawn(slot);
    if (surge) this.options.log?.("", `function ${lane.name} workers all held by long runs: started a surge worker`);
    return slot;
  }

  private spawn(slot: Slot): void {
    const begun = new SharedArrayBuffer(8);
    const worker = startWorkerThread({ ...this.settings, lazy: slot.surge || slot.lane.name === "auth", begun });
    slot.worker = worker;
    slot.begun = new BigInt64Array(begun);
    slot.outbox = new HopBatch<ToWorker>((message) => worker.postMessage(message));
    slot.ready = false;
    slot.killReason = undefined;
    slot.pingId = undefined;
    slot.heldBy = undefined;
    for (const app of this.apps.values()) worker.postMessage({ type: "init", app } satisfies ToWorker);
    // The worker batches results like the pool batches calls (hop-batch.ts): arrays are unpacked.
    worker.on("message", (msg: FromWorker | FromWorker[]) => {
      if (!Array.isArray(msg)) return this.onMessage(slot, msg);
      for (const one of msg) this.onMessage(slot, one);
    });
    worker.on("error", (error: Error & { code?: string }) => {
      slot.killReason ??=
        error.code === "ERR_WORKER_OUT_OF_MEMORY"
          ? `function execution aborted: the worker ran out of memory (${WORKER_HEAP_MB} MB)`
          : `function execution aborted: worker failed: ${error.message}`;
    });
    worker.on("exit", () => this.onExit(slot, worker));
  }

  private onExit(slot: Slot, worker: Worker): void {
    if (slot.worker !== worker) return;
    const reason = slot.killReason ?? "function execution aborted: worker exited";
    slot.worker = undefined;
    slot.outbox = undefined;
    slot.heldBy = undefined;
    for (const answer of slot.probes.values()) answer(undefined);
    slot.probes.clear();
    if (slot.killReason === STUCK && slot.begun) {
      // Calls queued behind the stuck one never ran: placed again rather than failed with it.
      const begun = Number(Atomics.load(slot.begun, 0));
      const unbegun = [...slot.inflight].filter((id) => id > begun);
      if (unbegun.length > 0 && !this.closed) this.handBack(slot, unbegun, worker.threadId);
    }
    for (const id of [...slot.inflight]) this.settle(id, new FunctionExecutionError(reason, "functionWorkerFailed"));
    if (this.closed) return;
    if (slot.surge && slot.killReason === RETIRED) {
      slot.lane.slots.splice(slot.lane.slots.indexOf(slot), 1);
      return slot.lane.admission.pump();
    }
    this.options.log?.("", `function worker replaced: ${reason}`);
    this.events.emit("replaced", { lane: slot.lane.name, threadId: worker.threadId, reason });
    if (!slot.ready) slot.failedStarts++;
    // A worker that cannot even start (broken install) must not respawn in a hot loop.
    if (slot.failedStarts === 0) return this.spawn(slot);
    const delay = Math.min(30_000, 250 * 2 ** slot.failedStarts);
    setTimeout(() => !this.closed && this.spawn(slot), delay).unref();
  }

  private onMessage(slot: Slot, msg: FromWorker): void {
    slot.lastHeardAt = Date.now();
    switch (msg.type) {
      case "ready":
        slot.ready = true;
        slot.failedStarts = 0;
        // The boot allowance is over: calls waiting for this worker are checked on their own limits.
        for (const id of slot.inflight) {
          const call = this.pending.get(id);
          if (call) call.checkAt = Math.min(call.checkAt, Date.now() + call.timeLimitMs + BACKSTOP_MS);
        }
        this.events.emit("ready", { lane: slot.lane.name, threadId: slot.worker?.threadId ?? 0 });
        return slot.lane.admission.pump();
      case "result": {
        if (msg.ok) return this.settle(msg.id, undefined, { value: msg.value, logs: msg.logs });
        const error = errorFromWire(msg.error, this.pending.get(msg.id)?.timeLimitMs ?? 0);
        error.logs = msg.logs;
        return this.settle(msg.id, error);
      }
      case "host":
        return void this.answerHost(slot, msg);
      case "pong": {
        if (slot.pingId === msg.id) slot.pingId = undefined;
        const answer = slot.probes.get(msg.id);
        slot.probes.delete(msg.id);
        return answer?.(slot.worker?.threadId);
      }
      case "started":
        // The backstop sweep reads startedAt when the call's check comes: nothing to re-arm.
        for (const id of msg.ids) {
          const call = this.pending.get(id);
          if (call && call.slot === slot) call.startedAt = msg.at;
        }
        return;
      case "hold":
        slot.heldBy = msg.id;
        this.events.emit("hold", { lane: slot.lane.name, threadId: slot.worker?.threadId ?? 0, callId: msg.id });
        return;
      case "handback":
        return this.handBack(slot, msg.ids);
      case "release":
        if (slot.heldBy !== msg.id) return;
        slot.heldBy = undefined;
        this.events.emit("release", { lane: slot.lane.name, threadId: slot.worker?.threadId ?? 0, callId: msg.id });
        return slot.lane.admission.pump();
      case "log":
        return this.options.log?.(msg.appKey, msg.line);
    }
  }

  /**
   * The worker gave back calls it had not started, because a long run holds it (worker.ts): they
   * leave this worker (nothing of theirs ran; none of their time limit is used) and are placed again,
   * before new calls. Those of the caller whose run holds the worker may only wait for a regular
   * worker: its loops delay its own calls, and cannot take the surge workers kept for everyone else.
   */
  private handBack(slot: Slot, ids: number[], threadId = slot.worker?.threadId ?? 0): void {
    const holder = slot.heldBy === undefined ? undefined : this.pending.get(slot.heldBy)?.ticket;
    const calls: HandedBack[] = [];
    for (const id of ids) {
      const call = this.pending.get(id);
      if (!call || call.slot !== slot) continue;
      this.pending.delete(id);
      slot.inflight.delete(id);
      calls.push({ ticket: call.ticket, regularOnly: holder !== undefined && sameCaller(holder, call.ticket) });
    }
    this.events.emit("handback", { lane: slot.lane.name, threadId, callIds: ids });
    this.retireWhenIdle(slot);
    slot.lane.admission.handBack(calls);
  }

  private async answerHost(slot: Slot, msg: Extract<FromWorker, { type: "host" }>): Promise<void> {
    const call = this.pending.get(msg.callId);
    let reply: ToWorker;
    if (!call || call.slot !== slot) {
      reply = { type: "hostResult", id: msg.id, ok: false, message: "the function call is no longer running" };
    } else {
      try {
        reply = { type: "hostResult", id: msg.id, ok: true, value: await call.onHost(msg.kind, msg.service, msg.method, msg.args) };
      } catch (error) {
        reply = { type: "hostResult", id: msg.id, ok: false, message: (error as Error)?.message ?? String(error) };
      }
    }
    this.post(slot, reply);
  }

  /**
   * The main thread's backstop (pool-backstop.ts), every SWEEP_MS while calls are in flight: one timer
   * for the pool, as arming and clearing a timer per call cost the main thread more than the rest of
   * the call's bookkeeping.
   */
  private readonly sweep = (): void => {
    this.sweepTimer = undefined;
    backstopSweep(
      this.pending,
      Date.now(),
      (slot) => this.checkAlive(slot),
      (id) => this.expire(id),
    );
    // A call dispatched during the sweep (a settled call let a waiting one start) may have armed it already.
    if (this.pending.size > 0 && !this.closed) this.sweepTimer ??= setTimeout(this.sweep, SWEEP_MS);
  };

  /** The backstop deadline passed: fail the call, then make sure its worker is not stuck. */
  private expire(id: number): void {
    const call = this.pending.get(id);
    if (!call) return;
    const { slot } = call;
    this.settle(id, new ExecutionTimeLimitExceeded(call.timeLimitMs));
    this.post(slot, { type: "cancel", id });
    this.checkAlive(slot);
  }

  /**
   * Pings a worker; one that does not answer is replaced. Any single run inside a VM is bounded by
   * its call's time limit, so a healthy worker answers within the longest limit in flight on it.
   */
  private checkAlive(slot: Slot): void {
    const worker = slot.worker;
    if (!worker || slot.killReason || slot.pingId !== undefined) return;
    const pingId = this.nextId++;
    slot.pingId = pingId;
    this.post(slot, { type: "ping", id: pingId });
    let longest = 0;
    for (const id of slot.inflight) longest = Math.max(longest, this.pending.get(id)?.timeLimitMs ?? 0);
    const check = setTimeout(() => {
      if (slot.worker !== worker || slot.pingId !== pingId) return;
      slot.killReason = STUCK;
      void worker.terminate();
    }, longest + this.stuckGraceMs);
    check.unref();
  }

  private settle(id: number, error?: FunctionError, result?: { value: string; logs: string[] }): void {
    const call = this.pending.get(id);
    if (!call) return;
    this.pending.delete(id);
    const { slot } = call;
    slot.inflight.delete(id);
    if (slot.heldBy === id) {
      // The worker's release comes after the result: the run ended now.
      slot.heldBy = undefined;
      this.events.emit("release", { lane: slot.lane.name, threadId: slot.worker?.threadId ?? 0, callId: id });
    }
    this.options.onSettled?.(error === undefined ? "ok" : error instanceof ExecutionTimeLimitExceeded ? "timeout" : "error");
    if (error) call.reject(error);
    else call.resolve(result!);
    this.retireWhenIdle(slot);
    slot.lane.admission.finished(call.ticket);
  }

  /** An idle surge worker is retired unless a call comes within SURGE_IDLE_MS. */
  private retireWhenIdle(slot: Slot): void {
    if (!slot.surge || slot.inflight.size > 0 || this.closed) return;
    clearTimeout(slot.idleTimer);
    slot.idleTimer = setTimeout(() => this.retire(slot), SURGE_IDLE_MS);
    slot.idleTimer.unref();
  }

  private retire(slot: Slot): void {
    if (slot.inflight.size > 0 || !slot.worker || slot.killReason) return;
    slot.killReason = RETIRED;
    void slot.worker.terminate();
  }
}

/** The kill reason of a surge worker retired while idle. */
const RETIRED = "retired";
/** The kill reason of a worker that did not answer a ping in time. */
const STUCK = "function execution aborted: the function worker stopped responding";

/** Two calls of one user, or two calls for nobody of one app. */
function sameCaller(a: Ticket, b: Ticket): boolean {
  return a.userKey !== undefined || b.userKey !== undefined ? a.userKey === b.userKey : a.appKey === b.appKey;
}
