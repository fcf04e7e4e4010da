import type { QuickJSContext, QuickJSHandle } from "quickjs-emscripten-core";
import { cryptoOp, resolveAppModule, urlOp, zlibOp } from "./guest-bridge.js";
import { fetchForGuest } from "./guest-fetch.js";
import type { AppSandboxSpec } from "./protocol.js";
import type { VmCall, VmLimits } from "./app-vm-types.js";

/** What the host functions of one VM act on. */
export interface HostFunctionDeps {
  spec: AppSandboxSpec;
  limits: VmLimits;
  allowlist: readonly string[];
  call(id: number): VmCall | undefined;
  done(id: number, ok: boolean, text: string): void;
  log(id: number, line: string): void;
  host(id: number, kind: "data" | "service", service: string, method: string, args: string): Promise<string>;
  hostResult(id: number, hostId: number, ok: boolean, text: string): void;
  fire(id: number, timerId: number): void;
}

/** Timers one call may have pending: each is a host timer. */
const MAX_TIMERS_PER_CALL = 1000;

/**
 * Builds the `gh` object the guest prelude receives: the only functions guest code can reach on the
 * host. Each takes and returns strings, numbers, booleans or ArrayBuffers; calls are named by id and
 * checked against the VM's own live calls, so a forged id reaches at most a call of the same app.
 */
export function installHostFunctions(ctx: QuickJSContext, deps: HostFunctionDeps): QuickJSHandle {
  const gh = ctx.newObject();
  const str = (h: QuickJSHandle | undefined) => (h === undefined ? "" : ctx.getString(h));
  const num = (h: QuickJSHandle | undefined) => (h === undefined ? 0 : ctx.getNumber(h));
  const bool = (h: QuickJSHandle | undefined) => (h === undefined ? false : !!ctx.dump(h));
  const bytes = (h: QuickJSHandle | undefined): Uint8Array => {
    if (h === undefined) return new Uint8Array(0);
    const view = ctx.getArrayBuffer(h);
    try {
      return new Uint8Array(view.value);
    } finally {
      view.dispose();
    }
  };
  const buffer = (data: Uint8Array) => ctx.newArrayBuffer(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength));
  const define = (name: string, fn: (...args: QuickJSHandle[]) => QuickJSHandle | void) => {
    const handle = ctx.newFunction(name, (...args) => {
      try {
        return fn(...args);
      } catch (error) {
        return { error: ctx.newError((error as Error)?.message ?? String(error)) };
      }
    });
    ctx.setProp(gh, name, handle);
    handle.dispose();
  };
  const { spec, limits } = deps;

  define("done", (id, ok, text) => deps.done(num(id), bool(ok), str(text)));
  define("log", (id, line) => deps.log(num(id), str(line)));
  define("identity", (id, which) => {
    const call = deps.call(num(id));
    if (!call) throw new Error("context.user and context.request can only be used while the function runs");
    return ctx.newString(str(which) === "user" ? call.user : call.request);
  });
  define("host", (id, hostId, kind, service, method, args) => {
    const callId = num(id);
    const host = num(hostId);
    const payload = str(args);
    if (!deps.call(callId)) throw new Error(`${str(service)}: services can only be used while the function runs`);
    if (payload.length > limits.maxValueBytes) {
      throw new Error(
        `arguments of ${str(service)}.${str(method)} are too large: ${payload.length} bytes (the limit is ${limits.maxValueBytes})`,
      );
    }
    const which = str(kind) === "service" ? "service" : "data";
    deps.host(callId, which, str(service), str(method), payload).then(
      (value) => deps.hostResult(callId, host, true, value),
      (error: unknown) => deps.hostResult(callId, host, false, (error as Error)?.message ?? String(error)),
    );
  });
  define("fetch", (id, hostId, request) => {
    const callId = num(id);
    const host = num(hostId);
    const call = deps.call(callId);
    if (!call) throw new Error("context.http can only be used while the function runs");
    fetchForGuest(str(request), call.deadline, limits.maxValueBytes).then(
      (value) => deps.hostResult(callId, host, true, value),
      (error: unknown) => deps.hostResult(callId, host, false, (error as Error)?.message ?? String(error)),
    );
  });
  define("timer", (id, timerId, ms, repeat) => {
    const call = deps.call(num(id));
    if (!call) throw new Error("timers can only be used while the function runs");
    if (call.timers.size >= MAX_TIMERS_PER_CALL) throw new Error(`a function may have at most ${MAX_TIMERS_PER_CALL} pending timers`);
    // Argument handles die when this returns: read them now, not in the timer.
    const tid = num(timerId);
    const repeating = bool(repeat);
    const delay = Math.min(Math.max(0, num(ms)), 2 ** 31 - 1);
    const fire = () => {
      if (!repeating) call.timers.delete(tid);
      deps.fire(call.id, tid);
    };
    call.timers.set(tid, repeating ? setInterval(fire, Math.max(1, delay)) : setTimeout(fire, delay));
  });
  define("clearTimer", (id, timerId) => {
    const call = deps.call(num(id));
    const tid = num(timerId);
    const timer = call?.timers.get(tid);
    if (!call || !timer) return;
    clearTimeout(timer);
    call.timers.delete(tid);
  });
  define("module", (fromFile, name) => ctx.newString(resolveAppModule(spec.dir, str(fromFile), str(name))));
  define("values", () => ctx.newString(spec.values));
  define("environment", () => ctx.newString(spec.environment));
  define("hostServices", () => ctx.newString(JSON.stringify(spec.hostServices)));
  define("allowlist", () => ctx.newString(JSON.stringify(deps.allowlist)));
  define("crypto", (op, a, b, c) => {
    const name = str(op);
    const first = name === "hash" || name === "hmac" || name === "check" ? str(a) : num(a);
    const out = cryptoOp(name, first, b ? bytes(b) : undefined, c ? bytes(c) : undefined);
    return typeof out === "string" ? ctx.newString(out) : buffer(out);
  });
  define("zlib", (op, data) => buffer(zlibOp(str(op), bytes(data), limits.maxValueBytes)));
  define("url", (input, base, part, value) => ctx.newString(urlOp(str(input), str(base), str(part), str(value))));
  return gh;
}
