import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import variant from "@jitl/quickjs-wasmfile-release-sync";
import {
  newQuickJSWASMModuleFromVariant,
  newVariant,
  type QuickJSContext,
  type QuickJSSyncVariant,
  type QuickJSHandle,
  type QuickJSRuntime,
  type VmCallResult,
} from "quickjs-emscripten-core";
import { GUEST_PRELUDE } from "./guest-prelude.js";
import { guestSources } from "./guest-sources.js";
import { installHostFunctions, type HostFunctionDeps } from "./guest-host.js";
import type { AppSandboxSpec, CallMessage, WireError } from "./protocol.js";
import { BUILTIN_ALLOWLIST } from "./sandbox-require.js";
import { tooLarge } from "./errors.js";

/** Limits every VM applies. */
export interface VmLimits {
  /** Heap of the app's QuickJS runtime, in MB. */
  memoryLimitMb: number;
  /** Largest result, argument list, host-call payload or HTTP body, in bytes (EJSON text length). */
  maxValueBytes: number;
  /** A single entry into the VM running longer than this is reported as holding its worker. */
  holdMs: number;
}

/** What a VM tells the worker. */
export interface VmEvents {
  result(id: number, outcome: { ok: true; value: string } | { ok: false; error: WireError }, logs: string[]): void;
  /** A data or service call for call `id`; resolves with EJSON or rejects with a message. */
  host(id: number, kind: "data" | "service", service: string, method: string, args: string): Promise<string>;
  /** Printed outside any call. */
  orphanLog(line: string): void;
  /** Call `id` has been running synchronously for `holdMs`: its worker is busy with it. */
  hold(id: number): void;
  /** The entry that reported `hold` ended. */
  release(id: number): void;
}

/** A call as the VM tracks it on the host side. */
export interface VmCall {
  id: number;
  deadline: number;
  limitMs: number;
  logs: string[];
  logBytes: number;
  timers: Map<number, NodeJS.Timeout>;
  timeout?: NodeJS.Timeout;
}

const MAX_LOG_LINES = 500;
const MAX_LOG_BYTES = 64 * 1024;
const STACK_BYTES = 512 * 1024;
/** 16 MB, the QuickJS build's initial memory (64 KiB pages). */
const INITIAL_PAGES = 256;

let compiled: WebAssembly.Module | undefined;
/**
 * QuickJS compiled once per worker: every app's instance shares the machine code (and V8's tier-up
 * of it); only memories are per app.
 */
function compiledQuickJs(): WebAssembly.Module {
  compiled ??= new WebAssembly.Module(readFileSync(createRequire(import.meta.url).resolve("@jitl/quickjs-wasmfile-release-sync/wasm")));
  return compiled;
}

/** Wraps a function source so that evaluating it gives `(context) => export`; line 1 stays line 1. */
function wrapSource(source: string): string {
  return `(function (context) { var exports; var module = { exports: undefined }; ${source}\n;return exports !== undefined ? exports : module.exports; })`;
}

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
  private interrupted = false;
  private entry!: { begin: QuickJSHandle; end: QuickJSHandle; hostResult: QuickJSHandle; fire: QuickJSHandle };

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
    // The variant package is CommonJS: its default import is `{default: variant}`.
    const base = ((variant as unknown as { default?: QuickJSSyncVariant }).default ?? variant) as QuickJSSyncVariant;
    // The memory limit is the WebAssembly memory's maximum: QuickJS's own limit counts allocations,
    // not bytes, in this build (no malloc_usable_size), so large buffers and strings would pass it.
    // A capped linear memory fails every allocation past the limit, whatever allocates it.
    const memory = new WebAssembly.Memory({ initial: INITIAL_PAGES, maximum: Math.max(INITIAL_PAGES, limits.memoryLimitMb * 16) });
    const module = await newQuickJSWASMModuleFromVariant(newVariant(base, { wasmModule: compiledQuickJs(), wasmMemory: memory }));
    const runtime = module.newRuntime();
    runtime.setMaxStackSize(STACK_BYTES);
    const vm = new AppVm(spec, runtime, runtime.newContext(), limits, events, memory);
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
    };
    this.calls.set(call.id, call);
    call.timeout = setTimeout(
      () => this.fail(call.id, { code: "ExecutionTimeLimitExceeded", message: "execution time limit exceeded" }),
      msg.timeLimitMs,
    );
    const ctx = this.ctx;
    const handles = [
      ctx.newNumber(msg.id),
      ctx.newString(msg.name),
      ctx.newString(msg.args),
      ctx.newString(msg.user),
      ctx.newString(msg.request),
      msg.runningAsSystem ? ctx.true : ctx.false,
    ];
    this.enter(call, () => ctx.callFunction(this.entry.begin, ctx.undefined, ...handles));
    for (const handle of handles) handle.dispose();
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
    const { ctx } = this;
    const sources = guestSources();
    this.runtime.setInterruptHandler(() => this.shouldInterrupt());
    const bootDeadline: VmCall = { id: 0, deadline: Date.now() + 30_000, limitMs: 30_000, logs: [], logBytes: 0, timers: new Map() };
    this.active = bootDeadline;
    try {
      ctx.unwrapResult(ctx.evalCode(sources.bson, "gatehouse:bson.js")).dispose();
      const prelude = ctx.unwrapResult(ctx.evalCode(GUEST_PRELUDE, "gatehouse:prelude.js"));
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
      const gh = installHostFunctions(ctx, deps);
      const sourcesHandle = ctx.newObject();
      for (const [name, source] of Object.entries(sources.modules)) {
        const text = ctx.newString(source);
        ctx.setProp(sourcesHandle, name, text);
        text.dispose();
      }
      const entry = ctx.unwrapResult(ctx.callFunction(prelude, ctx.undefined, gh, sourcesHandle));
      prelude.dispose();
      gh.dispose();
      sourcesHandle.dispose();
      this.entry = {
        begin: ctx.getProp(entry, "begin"),
        end: ctx.getProp(entry, "end"),
        hostResult: ctx.getProp(entry, "hostResult"),
        fire: ctx.getProp(entry, "fire"),
      };
      const register = ctx.getProp(entry, "register");
      entry.dispose();
      for (const fn of this.spec.functions) this.compile(register, fn.name, fn.source, fn.runAsSystem);
      register.dispose();
    } finally {
      this.active = undefined;
    }
  }

  private compile(register: QuickJSHandle, name: string, source: string | undefined, runAsSystem: boolean): void {
    const { ctx } = this;
    let factory: QuickJSHandle = ctx.undefined;
    let problem: string | undefined;
    if (source === undefined) {
      problem = `function '${name}' has no source file`;
    } else {
      const compiled = ctx.evalCode(wrapSource(source), `functions/${name}.js`);
      if (compiled.error) {
        const error = ctx.dump(compiled.error) as { message?: string };
        compiled.error.dispose();
        problem = `function '${name}' does not compile: ${error?.message ?? String(error)}`;
      } else {
        factory = compiled.value;
      }
    }
    const args = [ctx.newString(name), factory, runAsSystem ? ctx.true : ctx.false, problem ? ctx.newString(problem) : ctx.undefined];
    ctx.unwrapResult(ctx.callFunction(register, ctx.undefined, ...args)).dispose();
    for (const handle of args) handle.dispose();
  }

  private shouldInterrupt(): boolean {
    const call = this.active;
    if (!call) return false;
    const now = Date.now();
    if (now >= call.deadline) {
      this.interrupted = true;
      return true;
    }
    if (!this.holdReported && call.id !== 0 && now - this.entryStarted >= this.limits.holdMs) {
      this.holdReported = true;
      this.events.hold(call.id);
    }
    return false;
  }

  /**
   * Runs guest code on behalf of `call`, then the promise jobs it queued. Jobs run right away, so
   * the queue is empty at every entry and what runs belongs to this call (barring promises shared
   * between calls through globals).
   */
  private enter(call: VmCall, run: () => VmCallResult<QuickJSHandle>): void {
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
    this.active = { id: 0, deadline: Date.now() + 1000, limitMs: 1000, logs: [], logBytes: 0, timers: new Map() };
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
