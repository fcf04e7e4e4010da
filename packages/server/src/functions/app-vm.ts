import type { QuickJSContext, QuickJSHandle, QuickJSRuntime, VmCallResult } from "quickjs-emscripten-core";
import { loadGuest, newQuickJs, type GuestEntry } from "./app-vm-boot.js";
import { bookkeeping, type VmCall, type VmEvents, type VmLimits } from "./app-vm-types.js";
import type { HostFunctionDeps } from "./guest-host.js";
import type { AppSandboxSpec, CallMessage, WireError } from "./protocol.js";
import { BUILTIN_ALLOWLIST } from "./sandbox-require.js";
import { tooLarge } from "./errors.js";

export type { VmCall, VmEvents, VmLimits } from "./app-vm-types.js";

const MAX_LOG_LINES = 500;
const MAX_LOG_BYTES = 64 * 1024;
/** How often an entry that holds its worker says so again (the worker then gives back calls that reached it meanwhile). */
const HOLD_POLL_MS = 5;

/**
 * One app's functions inside one worker: a QuickJS runtime and context in a WebAssembly instance of
 * its own, so apps share no heap, not even linear memory. Function code sees only what the guest
 * prelude builds from strings, numbers and bytes the host hands over; no host object ever enters.
 *
 * Limits are enforced inside the VM: an interrupt handler stops any entry running past its call's
 * deadline (even a loop after an `await`), and the runtime's memory limit fails the allocation that
 * crosses it. The worker thread itself is never blocked past a call's own time limit.
 */
export class AppVm {
  /** A memory blow-up leaves the runtime near its limit: new calls go to a fresh VM. */
  exhausted = false;
  private readonly calls = new Map<number, VmCall>();
  private active: VmCall | undefined;
  private entryStarted = 0;
  private holdReported = false;
  /** When a held entry next tells the worker it still holds it. */
  private nextHoldPoll = 0;
  private interrupted = false;
  /** A string handle per registered function name, passed to every call instead of a new string. */
  private names = new Map<string, QuickJSHandle>();
  private entry!: GuestEntry;

  private constructor(
    readonly spec: AppSandboxSpec,
    private readonly runtime: QuickJSRuntime,
    private readonly ctx: QuickJSContext,
    private readonly limits: VmLimits,
    private readonly events: VmEvents,
    private readonly memory: WebAssembly.Memory,
  ) {}

  /** The linear memory is (nearly) at its maximum: a failure now is the memory limit's. */
  private atMemoryLimit(): boolean {
    return this.memory.buffer.byteLength >= this.limits.memoryLimitMb * 1024 * 1024 - 2 * 1024 * 1024;
  }

  /** Builds the VM: instantiates QuickJS, loads BSON, the prelude and the app's functions. */
  static async create(spec: AppSandboxSpec, limits: VmLimits, events: VmEvents): Promise<AppVm> {
    const { runtime, ctx, memory } = await newQuickJs(limits);
    const vm = new AppVm(spec, runtime, ctx, limits, events, memory);
    vm.boot();
    return vm;
  }

  /** Calls in flight. */
  get size(): number {
    return this.calls.size;
  }

  /** Starts a call; its outcome arrives through `events.result`. */
  begin(msg: CallMessage): void {
    const call: VmCall = {
      id: msg.id,
      deadline: Date.now() + msg.timeLimitMs,
      limitMs: msg.timeLimitMs,
      logs: [],
      logBytes: 0,
      timers: new Map(),
      user: msg.user,
      request: msg.request,
    };
    this.calls.set(call.id, call);
    const ctx = this.ctx;
    const id = ctx.newNumber(msg.id);
    const args = ctx.newString(msg.args);
    const cachedName = this.names.get(msg.name);
    const name = cachedName ?? ctx.newString(msg.name);
    this.enter(
      call,
      () => ctx.callFunction(this.entry.begin, ctx.undefined, id, name, args, msg.runningAsSystem ? ctx.true : ctx.false),
      (value) => {
        // Ended at once: begin returned "1" + EJSON or "0" + message (guest-prelude.ts, finish).
        if (ctx.typeof(value) !== "string") return;
        const outcome = ctx.getString(value);
        this.done(call.id, outcome.charCodeAt(0) === 49, outcome.slice(1));
      },
    );
    id.dispose();
    args.dispose();
    if (!cachedName) name.dispose();
    // Most calls end within their first entry: only the others need a host timer.
    if (!this.calls.has(call.id)) return;
    call.timeout = setTimeout(
      () => this.fail(call.id, { code: "ExecutionTimeLimitExceeded", message: "execution time limit exceeded" }),
      Math.max(0, call.deadline - Date.now()),
    );
  }

  /** The main thread gave up on a call (deadline, cancel): drop it and everything it scheduled. */
  cancel(id: number): void {
    const call = this.calls.get(id);
    if (!call) return;
    this.forget(call);
    this.callGuest(this.entry.end, [this.ctx.newNumber(id)]);
  }

  /** Fails every call and lets the WebAssembly instance be collected. */
  dispose(reason: string): void {
    for (const id of [...this.calls.keys()]) this.fail(id, { code: "FunctionExecutionError", message: reason });
  }

  private boot(): void {
    this.runtime.setInterruptHandler(() => this.shouldInterrupt());
    this.active = bookkeeping(30_000);
    try {
      const deps: HostFunctionDeps = {
        spec: this.spec,
        limits: this.limits,
        allowlist: BUILTIN_ALLOWLIST,
        call: (id) => this.calls.get(id),
        done: (id, ok, text) => this.done(id, ok, text),
        log: (id, line) => this.log(id, line),
        host: (id, kind, service, method, args) => this.events.host(id, kind, service, method, args),
        hostResult: (id, hostId, ok, text) => this.hostResult(id, hostId, ok, text),
        fire: (id, timerId) => this.fireTimer(id, timerId),
      };
      const { entry, names } = loadGuest(this.ctx, this.spec, deps);
      this.entry = entry;
      this.names = names;
    } finally {
      this.active = undefined;
    }
  }

  private shouldInterrupt(): boolean {
    const call = this.active;
    if (!call) return false;
    const now = Date.now();
    if (now >= call.deadline) {
      this.interrupted = true;
      return true;
    }
    if (this.holdReported) {
      // Calls posted to this worker before the main thread saw the hold: the worker gives them back too.
      if (now >= this.nextHoldPoll) {
        this.nextHoldPoll = now + HOLD_POLL_MS;
        this.events.holding(call.id);
      }
    } else if (call.id !== 0 && now - this.entryStarted >= this.limits.holdMs) {
      this.holdReported = true;
      this.nextHoldPoll = now + HOLD_POLL_MS;
      this.events.hold(call.id);
    }
    return false;
  }

  /**
   * Runs guest code on behalf of `call`, then the promise jobs it queued. Jobs run right away, so
   * the queue is empty at every entry and what runs belongs to this call (barring promises shared
   * between calls through globals).
   */
  private enter(call: VmCall, run: () => VmCallResult<QuickJSHandle>, onValue?: (value: QuickJSHandle) => void): void {
    const outer = this.active;
    const nested = outer !== undefined;
    if (!nested) {
      this.entryStarted = Date.now();
      this.holdReported = false;
      this.interrupted = false;
    }
    this.active = call;
    try {
      const result = run();
      if (result.error) return this.aborted(call, result.error);
      onValue?.(result.value);
      result.value.dispose();
      if (nested) return;
      for (;;) {
        const jobs = this.runtime.executePendingJobs();
        if (jobs.error) return this.aborted(call, jobs.error);
        if (jobs.value === 0) break;
      }
    } finally {
      this.active = outer;
      if (!nested && this.holdReported) this.events.release(call.id);
    }
  }

  /** An entry ended in an exception the guest could not catch: interrupt, out of memory, or a prelude bug. */
  private aborted(call: VmCall, errorHandle: QuickJSHandle): void {
    let error: { name?: string; message?: string } | undefined;
    try {
      error = this.ctx.dump(errorHandle) as typeof error;
    } catch {
      error = undefined;
    }
    errorHandle.dispose();
    if (this.interrupted) {
      return this.fail(call.id, { code: "ExecutionTimeLimitExceeded", message: "execution time limit exceeded" });
    }
    if (error?.message === "out of memory" || this.atMemoryLimit()) {
      this.exhausted = true;
      return this.fail(call.id, { code: "FunctionExecutionError", reason: "functionMemoryLimit", message: this.memoryMessage() });
    }
    const text = error?.message
      ? error.name && error.name !== "Error"
        ? `${error.name}: ${error.message}`
        : error.message
      : "unknown error";
    this.fail(call.id, { code: "FunctionExecutionError", message: text });
  }

  private memoryMessage(): string {
    return `function execution aborted: memory limit exceeded (${this.limits.memoryLimitMb} MB per app in each worker)`;
  }

  /** The guest finished a call: `text` is the EJSON result or the error message. */
  private done(id: number, ok: boolean, text: string): void {
    const call = this.calls.get(id);
    if (!call) return;
    this.forget(call);
    if (!ok && this.interrupted) {
      // The interrupt is uncatchable, but it still rejects the async function it stopped.
      return this.events.result(
        id,
        { ok: false, error: { code: "ExecutionTimeLimitExceeded", message: "execution time limit exceeded" } },
        call.logs,
      );
    }
    if (!ok) {
      // Out of memory, QuickJS may even fail to build the error object and throw null instead.
      const memory = text.endsWith("InternalError: out of memory") || this.atMemoryLimit();
      if (memory) this.exhausted = true;
      const error: WireError = memory
        ? { code: "FunctionExecutionError", reason: "functionMemoryLimit", message: this.memoryMessage() }
        : { code: "FunctionExecutionError", message: text };
      return this.events.result(id, { ok: false, error }, call.logs);
    }
    if (text.length > this.limits.maxValueBytes) {
      const error = {
        code: "FunctionExecutionError",
        reason: "functionValueTooLarge",
        message: tooLarge("result", text.length, this.limits.maxValueBytes),
      };
      return this.events.result(id, { ok: false, error }, call.logs);
    }
    this.events.result(id, { ok: true, value: text }, call.logs);
  }

  /** Ends a call from the host side (timeout, memory, abort) and tells the guest to forget it. */
  private fail(id: number, error: WireError): void {
    const call = this.calls.get(id);
    if (!call) return;
    this.forget(call);
    this.events.result(id, { ok: false, error }, call.logs);
    if (this.active === undefined) this.callGuest(this.entry.end, [this.ctx.newNumber(id)]);
    else queueMicrotask(() => this.callGuest(this.entry.end, [this.ctx.newNumber(id)]));
  }

  private forget(call: VmCall): void {
    this.calls.delete(call.id);
    clearTimeout(call.timeout);
    for (const timer of call.timers.values()) clearTimeout(timer);
    call.timers.clear();
  }

  /** Bookkeeping entry (no call's code runs): errors are ignored, the VM may be half gone. */
  private callGuest(fn: QuickJSHandle, args: QuickJSHandle[]): void {
    const outer = this.active;
    this.active = bookkeeping(1000);
    try {
      const result = this.ctx.callFunction(fn, this.ctx.undefined, ...args);
      if (result.error) result.error.dispose();
      else result.value.dispose();
    } catch {
      // a VM broken by a memory blow-up: nothing left to clean in it
    } finally {
      this.active = outer;
      for (const handle of args) handle.dispose();
    }
  }

  private log(id: number, line: string): void {
    const call = this.calls.get(id);
    if (!call) return this.events.orphanLog(line);
    if (call.logs.length > MAX_LOG_LINES || call.logBytes >= MAX_LOG_BYTES) return;
    const room = MAX_LOG_BYTES - call.logBytes;
    const kept = line.length > room ? `${line.slice(0, room)}...` : line;
    call.logs.push(kept);
    call.logBytes += kept.length;
    if (call.logs.length === MAX_LOG_LINES || call.logBytes >= MAX_LOG_BYTES) call.logs.push("(further output dropped)");
  }

  private hostResult(id: number, hostId: number, ok: boolean, text: string): void {
    const call = this.calls.get(id);
    if (!call) return;
    if (ok && text.length > this.limits.maxValueBytes) {
      ok = false;
      text = tooLarge("service answer", text.length, this.limits.maxValueBytes);
    }
    const { ctx } = this;
    const args = [ctx.newNumber(hostId), ok ? ctx.true : ctx.false, ctx.newString(text)];
    this.enter(call, () => ctx.callFunction(this.entry.hostResult, ctx.undefined, ...args));
    for (const handle of args) handle.dispose();
  }

  private fireTimer(id: number, timerId: number): void {
    const call = this.calls.get(id);
    if (!call) return;
    const handle = this.ctx.newNumber(timerId);
    this.enter(call, () => this.ctx.callFunction(this.entry.fire, this.ctx.undefined, handle));
    handle.dispose();
  }
}
