/**
 * Entry point of a sandbox worker thread (see pool.ts). It holds one {@link AppSandbox} per app,
 * runs calls concurrently, and relays data/service operations to the main thread. It never touches
 * the store: everything outside pure computation is a host call.
 */
import { parentPort } from "node:worker_threads";
import { format } from "node:util";
import { encode } from "../data/values.js";
import type { CallMessage, FromWorker, ToWorker, WireError } from "./protocol.js";
import { AppSandbox, type SandboxBridge } from "./sandbox.js";
import { callStorage, finishCall, type CallRecord } from "./sandbox-state.js";
import { TimedBatchRunner, type SyncTask } from "./timed-batch.js";

const port = parentPort;
if (!port) throw new Error("functions/worker must run in a worker thread");

const apps = new Map<string, AppSandbox>();
const calls = new Map<number, CallRecord>();
const hostWaiters = new Map<number, { resolve: (value: string) => void; reject: (error: Error) => void }>();
let nextHostId = 1;

const post = (message: FromWorker) => port.postMessage(message);

function bridgeFor(appKey: string): SandboxBridge {
  return {
    hostCall(callId, kind, service, method, args) {
      const id = nextHostId++;
      return new Promise<string>((resolve, reject) => {
        hostWaiters.set(id, { resolve, reject });
        post({ type: "host", id, callId, kind, service, method, args });
      });
    },
    log: (line) => post({ type: "log", appKey, line }),
  };
}

/** Calls received in this turn of the event loop; started together under one watchdog. */
let queued: CallMessage[] = [];
const runner = new TimedBatchRunner(() => callStorage.enterWith(undefined as never));

function enqueue(msg: CallMessage): void {
  if (queued.length === 0) setImmediate(startQueued);
  queued.push(msg);
}

function startQueued(): void {
  const batch = queued;
  queued = [];
  runner.run(batch.map(taskFor));
}

function taskFor(msg: CallMessage): SyncTask {
  const record: CallRecord = { id: msg.id, user: null, request: undefined, logs: [], logBytes: 0, timers: new Set(), finished: false };
  calls.set(msg.id, record);
  return {
    limitMs: msg.timeLimitMs,
    run() {
      try {
        const app = apps.get(msg.appKey);
        if (!app) throw new Error(`app '${msg.appKey}' is not loaded in this worker`);
        void settle(record, app.begin(msg, record));
      } catch (error) {
        report(record, { error });
      }
    },
    timedOut() {
      report(record, { error: { code: "ERR_SCRIPT_EXECUTION_TIMEOUT", message: "execution time limit exceeded" } });
    },
  };
}

/** Waits for an async function's promise (any realm's thenable) and reports the outcome. */
async function settle(record: CallRecord, started: unknown): Promise<void> {
  try {
    report(record, { value: await started });
  } catch (error) {
    report(record, { error });
  }
}

function report(record: CallRecord, outcome: { value: unknown } | { error: unknown }): void {
  if (!calls.has(record.id)) return;
  let message: FromWorker;
  if ("value" in outcome) {
    try {
      message = { type: "result", id: record.id, ok: true, value: encode(outcome.value), logs: record.logs };
    } catch (error) {
      message = { type: "result", id: record.id, ok: false, error: describeError(error), logs: record.logs };
    }
  } else {
    message = { type: "result", id: record.id, ok: false, error: describeError(outcome.error), logs: record.logs };
  }
  post(message);
  finishCall(record);
  calls.delete(record.id);
}

/**
 * The message a caller sees. Built-in error types keep their name (`TypeError: x is not a
 * function`, as App Services printed `ReferenceError: ...`); a plain `Error` gives its message alone.
 * Errors come from the sandbox realm, so they are recognised by shape, not `instanceof`.
 */
function describeError(error: unknown): WireError {
  const e = error as { code?: unknown; name?: unknown; message?: unknown } | null;
  if (e && e.code === "ERR_SCRIPT_EXECUTION_TIMEOUT") return { code: "ExecutionTimeLimitExceeded", message: String(e.message) };
  if (e && typeof e === "object" && typeof e.message === "string") {
    const name = typeof e.name === "string" ? e.name : "Error";
    return { code: "FunctionExecutionError", message: name === "Error" ? e.message : `${name}: ${e.message}` };
  }
  if (typeof error === "string") return { code: "FunctionExecutionError", message: error };
  let text: string;
  try {
    text = encode(error);
  } catch {
    text = format(error);
  }
  return { code: "FunctionExecutionError", message: text };
}

port.on("message", (msg: ToWorker) => {
  switch (msg.type) {
    case "init":
      apps.set(msg.app.appKey, new AppSandbox(msg.app, bridgeFor(msg.app.appKey)));
      break;
    case "drop":
      apps.delete(msg.appKey);
      break;
    case "call":
      enqueue(msg);
      break;
    case "cancel": {
      const record = calls.get(msg.id);
      if (record) finishCall(record);
      calls.delete(msg.id); // its outcome, if it ever comes, is no longer wanted
      break;
    }
    case "ping":
      post({ type: "pong", id: msg.id });
      break;
    case "hostResult": {
      const waiter = hostWaiters.get(msg.id);
      hostWaiters.delete(msg.id);
      if (msg.ok) waiter?.resolve(msg.value);
      else waiter?.reject(new Error(msg.message));
      break;
    }
  }
});

// Function code can reject a promise nobody awaits, or throw from a callback we do not wrap (an
// event emitter, a stream). By default either would kill the worker and every call on it.
process.on("unhandledRejection", (reason) =>
  post({ type: "log", appKey: "", line: `unhandled rejection in function code: ${format(reason)}` }),
);
process.on("uncaughtException", (error) =>
  post({ type: "log", appKey: "", line: `uncaught exception in function code: ${format(error)}` }),
);

post({ type: "ready" });
