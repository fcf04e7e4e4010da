import { Worker, type WorkerOptions } from "node:worker_threads";
import { errorFromWire, ExecutionTimeLimitExceeded, FunctionExecutionError, type FunctionError } from "./errors.js";
import type { VmLimits } from "./app-vm.js";
import type { AppSandboxSpec, CallMessage, FromWorker, ToWorker } from "./protocol.js";

/** An entry into a VM running this long marks its worker as held by that call (see scheduling). */
const HOLD_MS = 50;

/** Answers a worker's host call: EJSON args in, EJSON result out (a rejection's message goes back). */
export type HostHandler = (kind: "data" | "service", service: string, method: string, args: string) => Promise<string>;

/** Options of {@link WorkerPool}. */
export interface WorkerPoolOptions {
  /** Worker threads. Default 2. */
  workers?: number;
  /** Heap of each app's QuickJS VM, in each worker. Default 128 MB. */
  memoryLimitMb?: number;
  /** Largest function result, argument list or service payload (EJSON text). Default 8 MiB. */
  maxValueBytes?: number;
  /** After a call times out, how long its worker may stay unresponsive before it is replaced. Default 1000 ms. */
  stuckGraceMs?: number;
  /** Lines printed outside any call, and pool events worth an operator's attention. */
  log?: (appKey: string, line: string) => void;
  /** Every call's outcome, for metrics (must not throw). */
  onSettled?: (result: "ok" | "timeout" | "error") => void;
}

/** A call as the runtime submits it. */
export type CallInput = Omit<CallMessage, "type" | "id">;

interface Slot {
  worker?: Worker;
  inflight: Set<number>;
  pingId?: number;
  /** Why the current worker is being killed, for the calls that die with it. */
  killReason?: string;
  /** Workers that exited before saying "ready", in a row: respawns back off. */
  failedStarts: number;
  ready: boolean;
  /** When the worker last sent anything, or last went from idle to busy: a busy worker quiet since is probably blocked. */
  lastHeardAt: number;
  /** The call whose synchronous run is holding the worker (the worker said `hold`, not yet `release`). */
  heldBy?: number;
}

interface Pending {
  slot: Slot;
  timeLimitMs: number;
  /** When the worker began the call (its limit counts from there); unset while it waits in the worker. */
  startedAt?: number;
  /** The deadline. Re-armed when a booting worker becomes ready: its start-up time is not the function's. */
  timer?: NodeJS.Timeout;
  onHost: HostHandler;
  resolve: (result: { value: string; logs: string[] }) => void;
  reject: (error: FunctionError) => void;
}

/** How long a call may wait for its worker to boot, on top of its own limit (a hung boot still ends). */
const BOOT_ALLOWANCE_MS = 10_000;

/**
 * The worker enforces time limits itself and reports them; the main thread's deadline is a backstop
 * this much later, for a worker that stopped answering.
 */
const BACKSTOP_MS = 1000;

/** Old-generation heap of a worker thread: only host-side bookkeeping lives there (VMs are WebAssembly memory). */
const WORKER_HEAP_MB = 256;

/** A busy worker silent for this long is treated as blocked when choosing where a call goes. */
const SILENT_MS = 100;

/** Running from TypeScript sources (tests, `tsx`) rather than compiled `dist/`. */
const FROM_SOURCE = import.meta.url.endsWith(".ts");
/** Where the worker entry lives: `.ts` beside this file under tsx, `.js` in `dist/`. */
const WORKER_URL = new URL(`./worker${FROM_SOURCE ? ".ts" : ".js"}`, import.meta.url);

function createWorker(options: WorkerOptions): Worker {
  if (!FROM_SOURCE) return new Worker(WORKER_URL, options);
  // Workers inherit `--import tsx` in execArgv, but Node 20 does not run it for them: register tsx's
  // loader inside the worker, then import the TypeScript entry.
  const tsxApi = import.meta.resolve("tsx/esm/api");
  const boot = `import(${JSON.stringify(tsxApi)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(WORKER_URL.href)}); });`;
  return new Worker(boot, { ...options, eval: true });
}

/**
 * A fixed set of sandbox worker threads shared by any number of apps.
 *
 * Isolation: a synchronous loop is stopped inside its worker by vm's timeout; async work that runs
 * past the limit fails its call at the deadline, and if the worker then does not answer a ping within
 * `stuckGraceMs` it is terminated and replaced. A heap blow-up ends the worker through
 * `resourceLimits`. In both cases only calls on that worker fail; the pool respawns it at once, and
 * new calls go to the least busy live worker meanwhile.
 */
export class WorkerPool {
  private readonly size: number;
  private readonly memoryLimitMb: number;
  private readonly maxValueBytes: number;
  private readonly stuckGraceMs: number;
  private readonly slots: Slot[] = [];
  private readonly apps = new Map<string, AppSandboxSpec>();
  private readonly pending = new Map<number, Pending>();
  /** Calls that found no live worker (all being replaced); dispatched when one is spawned. */
  private readonly waiting: (() => void)[] = [];
  private nextId = 1;
  private closed = false;

  constructor(private readonly options: WorkerPoolOptions = {}) {
    this.size = Math.max(1, options.workers ?? 2);
    this.memoryLimitMb = options.memoryLimitMb ?? 128;
    this.maxValueBytes = options.maxValueBytes ?? 8 * 1024 * 1024;
    this.stuckGraceMs = options.stuckGraceMs ?? 1000;
  }

  /** Spawns the workers (idempotent). */
  start(): void {
    if (this.slots.length || this.closed) return;
    for (let i = 0; i < this.size; i++) {
      const slot: Slot = { inflight: new Set(), failedStarts: 0, ready: false, lastHeardAt: 0 };
      this.slots.push(slot);
      this.spawn(slot);
    }
  }

  /** Loads an app into every worker, now and after every respawn. */
  addApp(spec: AppSandboxSpec): void {
    this.apps.set(spec.appKey, spec);
    for (const slot of this.slots) slot.worker?.postMessage({ type: "init", app: spec } satisfies ToWorker);
  }

  removeApp(appKey: string): void {
    this.apps.delete(appKey);
    for (const slot of this.slots) slot.worker?.postMessage({ type: "drop", appKey } satisfies ToWorker);
  }

  /** Runs one call; resolves with the EJSON result and printed lines. */
  run(input: CallInput, onHost: HostHandler): Promise<{ value: string; logs: string[] }> {
    if (this.closed) return Promise.reject(new FunctionExecutionError("the function runtime is closed"));
    const slot = this.pickSlot();
    if (!slot?.worker) {
      return new Promise((resolve, reject) => {
        this.waiting.push(() =>
          this.closed
            ? reject(new FunctionExecutionError("the function runtime is closed"))
            : this.run(input, onHost).then(resolve, reject),
        );
      });
    }
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { slot, timeLimitMs: input.timeLimitMs, onHost, resolve, reject });
      if (slot.inflight.size === 0) slot.lastHeardAt = Date.now();
      slot.inflight.add(id);
      this.arm(id, slot.ready ? 0 : BOOT_ALLOWANCE_MS);
      slot.worker!.postMessage({ type: "call", id, ...input } satisfies ToWorker);
    });
  }

  /** Fails pending calls and terminates the workers. */
  async close(): Promise<void> {
    this.closed = true;
    for (const resume of this.waiting.splice(0)) resume();
    for (const id of [...this.pending.keys()]) this.settle(id, new FunctionExecutionError("the function runtime is closed"));
    await Promise.all(this.slots.map((slot) => slot.worker?.terminate()));
  }

  /**
   * The worker to give a call to: fewest calls in flight, but avoiding workers that look blocked —
   * busy and silent for a while, or failing a liveness check — since a call queued behind a
   * synchronous loop would wait for that loop's time limit.
   */
  private pickSlot(): Slot | undefined {
    const now = Date.now();
    const score = (slot: Slot) =>
      slot.inflight.size +
      (slot.ready ? 0 : 1_000) +
      (slot.heldBy !== undefined || (slot.inflight.size > 0 && now - slot.lastHeardAt > SILENT_MS) ? 10_000 : 0) +
      (slot.pingId !== undefined ? 100_000 : 0);
    let best: Slot | undefined;
    for (const slot of this.slots) {
      if (!slot.worker || slot.killReason) continue;
      if (!best) {
        best = slot;
        continue;
      }
      const [mine, theirs] = [score(slot), score(best)];
      // On a tie, the worker heard from most recently: a worker stuck in a loop goes quiet first.
      if (mine < theirs || (mine === theirs && slot.lastHeardAt > best.lastHeardAt)) best = slot;
    }
    return best;
  }

  private spawn(slot: Slot): void {
    const limits: VmLimits = { memoryLimitMb: this.memoryLimitMb, maxValueBytes: this.maxValueBytes, holdMs: HOLD_MS };
    const worker = createWorker({
      workerData: limits,
      resourceLimits: { maxOldGenerationSizeMb: WORKER_HEAP_MB, maxYoungGenerationSizeMb: 32 },
      stdout: false,
      stderr: false,
    });
    slot.worker = worker;
    slot.ready = false;
    slot.killReason = undefined;
    slot.pingId = undefined;
    for (const app of this.apps.values()) worker.postMessage({ type: "init", app } satisfies ToWorker);
    worker.on("message", (msg: FromWorker) => this.onMessage(slot, msg));
    worker.on("error", (error: Error & { code?: string }) => {
      slot.killReason ??=
        error.code === "ERR_WORKER_OUT_OF_MEMORY"
          ? `function execution aborted: the worker ran out of memory (${WORKER_HEAP_MB} MB)`
          : `function execution aborted: worker failed: ${error.message}`;
    });
    worker.on("exit", () => this.onExit(slot, worker));
    for (const resume of this.waiting.splice(0)) resume();
  }

  private onExit(slot: Slot, worker: Worker): void {
    if (slot.worker !== worker) return;
    const reason = slot.killReason ?? "function execution aborted: worker exited";
    for (const id of [...slot.inflight]) this.settle(id, new FunctionExecutionError(reason, "functionWorkerFailed"));
    slot.worker = undefined;
    slot.heldBy = undefined;
    if (this.closed) return;
    this.options.log?.("", `function worker replaced: ${reason}`);
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
        for (const id of slot.inflight) this.arm(id, 0);
        return;
      case "result": {
        if (msg.ok) return this.settle(msg.id, undefined, { value: msg.value, logs: msg.logs });
        const error = errorFromWire(msg.error, this.pending.get(msg.id)?.timeLimitMs ?? 0);
        error.logs = msg.logs;
        return this.settle(msg.id, error);
      }
      case "host":
        return void this.answerHost(slot, msg);
      case "pong":
        if (slot.pingId === msg.id) slot.pingId = undefined;
        return;
      case "started":
        for (const id of msg.ids) {
          const call = this.pending.get(id);
          if (!call || call.slot !== slot) continue;
          call.startedAt = msg.at;
          this.arm(id, 0);
        }
        return;
      case "hold":
        slot.heldBy = msg.id;
        return;
      case "release":
        if (slot.heldBy === msg.id) slot.heldBy = undefined;
        return;
      case "log":
        return this.options.log?.(msg.appKey, msg.line);
    }
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
    slot.worker?.postMessage(reply);
  }

  /**
   * The main thread's deadline for a call: its limit from when the worker started it, plus the
   * backstop. A call still waiting inside its worker (behind another call's synchronous run) has not
   * used any of its time: its timer only re-arms, and checks that the worker is alive.
   */
  private arm(id: number, extraMs: number): void {
    const call = this.pending.get(id);
    if (!call) return;
    clearTimeout(call.timer);
    const from = call.startedAt ?? Date.now();
    const wait = Math.max(0, from + call.timeLimitMs + BACKSTOP_MS + extraMs - Date.now());
    call.timer = setTimeout(() => {
      if (call.startedAt === undefined) {
        this.checkAlive(call.slot);
        return this.arm(id, 0);
      }
      this.expire(id);
    }, wait);
  }

  /** The deadline passed: fail the call now, then make sure its worker is not stuck. */
  private expire(id: number): void {
    const call = this.pending.get(id);
    if (!call) return;
    const { slot } = call;
    this.settle(id, new ExecutionTimeLimitExceeded(call.timeLimitMs));
    slot.worker?.postMessage({ type: "cancel", id } satisfies ToWorker);
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
    worker.postMessage({ type: "ping", id: pingId } satisfies ToWorker);
    let longest = 0;
    for (const id of slot.inflight) longest = Math.max(longest, this.pending.get(id)?.timeLimitMs ?? 0);
    const check = setTimeout(() => {
      if (slot.worker !== worker || slot.pingId !== pingId) return;
      slot.killReason = "function execution aborted: the function worker stopped responding";
      void worker.terminate();
    }, longest + this.stuckGraceMs);
    check.unref();
  }

  private settle(id: number, error?: FunctionError, result?: { value: string; logs: string[] }): void {
    const call = this.pending.get(id);
    if (!call) return;
    this.pending.delete(id);
    clearTimeout(call.timer);
    call.slot.inflight.delete(id);
    this.options.onSettled?.(error === undefined ? "ok" : error instanceof ExecutionTimeLimitExceeded ? "timeout" : "error");
    if (error) call.reject(error);
    else call.resolve(result!);
  }
}
