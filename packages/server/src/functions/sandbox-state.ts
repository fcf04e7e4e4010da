import { AsyncLocalStorage } from "node:async_hooks";
import { format } from "node:util";

/**
 * Per-call state inside a worker. Several calls of one app share one vm context (and its globals),
 * so `context`, `console` and timers find *their* call through AsyncLocalStorage, which follows
 * the call through awaits, timers and nested `context.functions.execute` calls.
 */
export interface CallRecord {
  /** The main thread's call id (host calls are tagged with it). */
  id: number;
  /** The sandbox-realm `context.user` value (or null). */
  user: unknown;
  /** The sandbox-realm `context.request` value (or undefined). */
  request: unknown;
  logs: string[];
  logBytes: number;
  timers: Set<NodeJS.Timeout>;
  /** Set when the call settled or was cancelled: its timers are cleared, host calls refused. */
  finished: boolean;
}

/** One function running for a call: the top-level one, or one it started with `functions.execute`. */
export interface CallState {
  call: CallRecord;
  functionName: string;
  runningAsSystem: boolean;
  /** The `context` object, built on first use. */
  context?: unknown;
}

export const callStorage = new AsyncLocalStorage<CallState>();

/** The current call, if code runs on behalf of one. */
export function currentCall(): CallState | undefined {
  return callStorage.getStore();
}

/** Caps on what one call may print: logs travel to the main thread in one message. */
const MAX_LOG_LINES = 500;
const MAX_LOG_BYTES = 64 * 1024;

/** Records a printed line for the current call, or hands it to `orphan` outside any call. */
export function recordLog(level: string, args: unknown[], orphan: (line: string) => void): void {
  const text = format(...args);
  const line = level === "log" ? text : `${level.toUpperCase()}: ${text}`;
  const state = currentCall()?.call;
  if (!state) return orphan(line);
  if (state.logs.length >= MAX_LOG_LINES || state.logBytes >= MAX_LOG_BYTES) return;
  const room = MAX_LOG_BYTES - state.logBytes;
  const kept = line.length > room ? `${line.slice(0, room)}...` : line;
  state.logs.push(kept);
  state.logBytes += kept.length;
  if (state.logs.length === MAX_LOG_LINES || state.logBytes >= MAX_LOG_BYTES) state.logs.push("(further output dropped)");
}

/** Ends a call: clears the timers it left behind so nothing of it runs later. */
export function finishCall(state: CallRecord): void {
  state.finished = true;
  for (const timer of state.timers) clearTimeout(timer);
  state.timers.clear();
}

/**
 * `setTimeout`/`setInterval`/`setImmediate` for the sandbox, tracked per call. A callback that
 * throws is logged to its call instead of becoming an uncaught exception in the worker.
 */
export function sandboxTimers(orphan: (line: string) => void) {
  const track = (timer: NodeJS.Timeout, state: CallRecord | undefined): NodeJS.Timeout => {
    if (state?.finished) clearTimeout(timer);
    else state?.timers.add(timer);
    return timer;
  };
  const guarded = (fn: (...a: unknown[]) => void, rest: unknown[]) => () => {
    try {
      fn(...rest);
    } catch (error) {
      recordLog("error", ["uncaught exception in timer callback:", error], orphan);
    }
  };
  return {
    setTimeout(fn: (...a: unknown[]) => void, ms?: number, ...rest: unknown[]) {
      const state = currentCall()?.call;
      const run = guarded(fn, rest);
      const timer: NodeJS.Timeout = setTimeout(() => {
        state?.timers.delete(timer);
        run();
      }, ms);
      return track(timer, state);
    },
    setInterval(fn: (...a: unknown[]) => void, ms?: number, ...rest: unknown[]) {
      return track(setInterval(guarded(fn, rest), ms), currentCall()?.call);
    },
    clearTimeout: (timer?: NodeJS.Timeout) => clearTimeout(timer),
    clearInterval: (timer?: NodeJS.Timeout) => clearInterval(timer),
    setImmediate: (fn: (...a: unknown[]) => void, ...rest: unknown[]) => setImmediate(guarded(fn, rest)),
    queueMicrotask: (fn: () => void) => queueMicrotask(guarded(fn, [])),
  };
}
