import vm from "node:vm";
import { decodeExact, encode } from "../data/values.js";
import type { AppSandboxSpec, CallMessage } from "./protocol.js";
import { buildContext, type ContextDeps } from "./sandbox-context.js";
import { sandboxHttp } from "./sandbox-http.js";
import type { HostCaller } from "./sandbox-mongo.js";
import { ADOPT_SOURCE, sandboxGlobals, wrapSource } from "./sandbox-realm.js";
import { callStorage, currentCall, type CallRecord, type CallState } from "./sandbox-state.js";

/** How a sandbox reaches the main thread. */
export interface SandboxBridge {
  /** Sends a host call for call `callId`; resolves with the EJSON result or rejects with its message. */
  hostCall(callId: number, kind: "data" | "service", service: string, method: string, args: string): Promise<string>;
  /** A line printed outside any call. */
  log(line: string): void;
}

interface CompiledFunction {
  runAsSystem: boolean;
  /** Evaluates the source afresh and returns its export (top-level code runs once per call, as in App Services). */
  factory?: () => unknown;
  /** Why the function cannot run (no source, syntax error). */
  problem?: string;
}

/**
 * One app inside one worker: a vm context holding the app's globals and its compiled functions.
 *
 * Calls start synchronously under vm's `timeout` (timed-batch.ts), so a synchronous infinite loop —
 * in the function or anything it calls synchronously — is interrupted inside the worker. Work after an
 * `await` runs outside it; the main thread's wall-clock limit covers that.
 */
export class AppSandbox {
  private readonly context: vm.Context;
  private readonly functions = new Map<string, CompiledFunction>();
  private readonly adopt: (value: unknown) => unknown;
  private readonly deps: ContextDeps;

  constructor(spec: AppSandboxSpec, bridge: SandboxBridge) {
    this.context = vm.createContext(
      sandboxGlobals(spec.dir, (line) => bridge.log(line)),
      {
        name: `gatehouse:${spec.appKey}`,
        codeGeneration: { strings: true, wasm: false },
      },
    );
    Object.defineProperty(this.context, "context", { get: () => this.currentContext(), enumerable: false });
    this.adopt = vm.runInContext(ADOPT_SOURCE, this.context) as (value: unknown) => unknown;

    const host: HostCaller = async (kind, service, method, args) => {
      const call = currentCall()?.call;
      if (!call || call.finished) throw new Error(`${service}: services can only be used while the function runs`);
      const result = await bridge.hostCall(call.id, kind, service, method, encode(args));
      return this.adopt(decodeExact(result));
    };
    this.deps = {
      values: decodeExact(spec.values) as Record<string, unknown>,
      environment: decodeExact(spec.environment),
      hostServices: spec.hostServices,
      host,
      execute: (name, args) => this.execute(name, args),
      http: sandboxHttp(),
      adopt: this.adopt,
    };
    for (const fn of spec.functions) this.functions.set(fn.name, this.compile(fn.name, fn.source, fn.runAsSystem));
  }

  /**
   * Starts function `msg.name` for a call and returns what it returned (a promise for async
   * functions). Synchronous: the caller runs it under a time limit (see timed-batch.ts).
   */
  begin(msg: CallMessage, record: CallRecord): unknown {
    record.user = this.adopt(decodeExact(msg.user));
    record.request = this.adopt(decodeExact(msg.request)) ?? undefined;
    const args = this.adopt(decodeExact(msg.args));
    const state: CallState = { call: record, functionName: msg.name, runningAsSystem: msg.runningAsSystem };
    return callStorage.run(state, () => this.invoke(msg.name, Array.isArray(args) ? args : [args]));
  }

  /** `context.functions.execute`: any function of the app, private ones included, in the current call. */
  private execute(name: string, args: unknown[]): unknown {
    const parent = currentCall();
    if (!parent || parent.call.finished) throw new Error("context.functions.execute can only be used while a function runs");
    const target = this.functions.get(String(name));
    const state: CallState = {
      call: parent.call,
      functionName: String(name),
      runningAsSystem: parent.runningAsSystem || !!target?.runAsSystem,
    };
    return callStorage.run(state, () => this.invoke(String(name), args));
  }

  private invoke(name: string, args: unknown[]): unknown {
    const compiled = this.functions.get(name);
    if (!compiled) throw new Error(`function not found: '${name}'`);
    if (!compiled.factory) throw new Error(compiled.problem);
    const exported = compiled.factory();
    if (typeof exported !== "function") {
      throw new TypeError(`function '${name}' must export a function: exports = function (...) { ... }`);
    }
    return (exported as (...a: unknown[]) => unknown)(...args);
  }

  private compile(name: string, source: string | undefined, runAsSystem: boolean): CompiledFunction {
    if (source === undefined) return { runAsSystem, problem: `function '${name}' has no source file` };
    try {
      const factory = vm.runInContext(wrapSource(source), this.context, {
        filename: `functions/${name}.js`,
        lineOffset: -1,
      }) as () => unknown;
      return { runAsSystem, factory };
    } catch (error) {
      return { runAsSystem, problem: `function '${name}' does not compile: ${(error as Error).message}` };
    }
  }

  private currentContext(): unknown {
    const state = currentCall();
    if (!state) return undefined;
    state.context ??= buildContext(state, this.deps);
    return state.context;
  }
}
