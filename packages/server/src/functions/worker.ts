/**
 * Entry point of a function worker thread (see pool.ts). It holds one {@link AppVm} per app — a
 * QuickJS VM in its own WebAssembly instance — runs calls concurrently, and relays data and service
 * operations to the main thread. The thread exists so function CPU stays off the HTTP event loop;
 * the isolation boundary is the VM, not the thread.
 */
import { parentPort, receiveMessageOnPort, workerData } from "node:worker_threads";
import { AppVm, type VmEvents } from "./app-vm.js";
import type { WorkerSettings } from "./pool-thread.js";
import { HopBatch } from "./hop-batch.js";
import type { AppSandboxSpec, CallMessage, FromWorker, ToWorker } from "./protocol.js";

const port = parentPort;
if (!port) throw new Error("functions/worker must run in a worker thread");
const limits = workerData as WorkerSettings;
/** The highest call id begun here, shared with the main thread (pool-thread.ts). */
const begun = new BigInt64Array(limits.begun);
let highestBegun = 0;

/** Ids of calls started and not yet reported, and when the first of them started. */
const started = new Set<number>();
let startedAt = 0;
/**
 * Results and `started` reports leave once per turn, together (hop-batch.ts); everything else
 * leaves at once, after them. A call that starts and ends in one turn needs no `started` report.
 */
const out = new HopBatch<FromWorker>(
  (message) => port.postMessage(message),
  () => {
    if (started.size === 0) return undefined;
    const ids = [...started];
    started.clear();
    return { type: "started", ids, at: startedAt };
  },
);
const post = (message: FromWorker) => out.urgent(message);

/** The VM serving new calls of each app, and its spec (to rebuild it after a memory blow-up). */
const apps = new Map<string, { spec: AppSandboxSpec; vm?: AppVm; booting?: Promise<AppVm | undefined> }>();
/** Which VM each call is on (a retired VM keeps serving the calls it has). */
const callVm = new Map<number, AppVm>();
const hostWaiters = new Map<number, { resolve: (value: string) => void; reject: (error: Error) => void }>();
let nextHostId = 1;

function eventsFor(appKey: string): VmEvents {
  return {
    result(id, outcome, logs) {
      callVm.delete(id);
      started.delete(id);
      if (outcome.ok) out.push({ type: "result", id, ok: true, value: outcome.value, logs });
      else out.push({ type: "result", id, ok: false, error: outcome.error, logs });
      const app = apps.get(appKey);
      if (app?.vm?.exhausted) app.vm = undefined; // the next call builds a fresh VM
    },
    host(callId, kind, service, method, args) {
      const id = nextHostId++;
      return new Promise<string>((resolve, reject) => {
        hostWaiters.set(id, { resolve, reject });
        post({ type: "host", id, callId, kind, service, method, args });
      });
    },
    orphanLog: (line) => post({ type: "log", appKey, line }),
    hold(id) {
      // Same batch, in this order: the main thread marks the worker held before it places them again.
      out.push({ type: "hold", id });
      handBack();
      out.flush();
    },
    holding() {
      handBack();
      out.flush();
    },
    release(id) {
      post({ type: "release", id });
      // Messages read while the run held the thread (a run from a timer is outside `drain`).
      if (inbox.length > 0) setImmediate(drain);
    },
  };
}

/** The app's live VM, building one if needed (calls arriving meanwhile wait for it). */
function vmOf(appKey: string): AppVm | Promise<AppVm | undefined> | undefined {
  const app = apps.get(appKey);
  if (!app) return undefined;
  if (app.vm) return app.vm;
  app.booting ??= AppVm.create(app.spec, limits, eventsFor(appKey)).then(
    (vm) => {
      if (apps.get(appKey) !== app) return undefined;
      app.vm = vm;
      app.booting = undefined;
      return vm;
    },
    (error: Error) => {
      app.booting = undefined;
      post({ type: "log", appKey, line: `function VM failed to start: ${error.message}` });
      return undefined;
    },
  );
  return app.booting;
}

/** Reports call `id` as running (with the batch, unless its result goes first). */
function markStarted(id: number): void {
  if (started.size === 0) startedAt = Date.now();
  started.add(id);
  out.schedule();
}

function startCall(msg: CallMessage): void {
  const vm = vmOf(msg.appKey);
  if (!vm) {
    post({
      type: "result",
      id: msg.id,
      ok: false,
      error: { code: "FunctionExecutionError", message: `app '${msg.appKey}' is not loaded` },
      logs: [],
    });
    return;
  }
  if (vm instanceof AppVm) {
    if (msg.id > highestBegun) {
      highestBegun = msg.id;
      Atomics.store(begun, 0, BigInt(msg.id));
    }
    callVm.set(msg.id, vm);
    markStarted(msg.id);
    return vm.begin(msg);
  }
  waitingForVm.set(msg.id, msg);
  void vm.then((ready) => {
    // Handed back meanwhile: it starts elsewhere.
    if (!waitingForVm.delete(msg.id)) return;
    if (ready) return startCall(msg);
    post({
      type: "result",
      id: msg.id,
      ok: false,
      error: { code: "FunctionExecutionError", message: "the function VM failed to start" },
      logs: [],
    });
  });
}

/**
 * Messages received and not handled yet, in order. Messages arrive one by one or as an array (the
 * pool batches them like this side does); a call waits here while an earlier one runs.
 */
const inbox: ToWorker[] = [];
/** Calls waiting for their app's VM to be built. */
const waitingForVm = new Map<number, CallMessage>();
let draining = false;

function receive(msg: ToWorker | ToWorker[]): void {
  if (!Array.isArray(msg)) inbox.push(msg);
  else for (const one of msg) inbox.push(one);
}

function drain(): void {
  if (draining) return;
  draining = true;
  try {
    for (let msg = inbox.shift(); msg !== undefined; msg = inbox.shift()) handle(msg);
  } finally {
    draining = false;
    // A message that threw leaves the rest for a later turn, not for the next message to arrive.
    if (inbox.length > 0) setImmediate(drain);
  }
}

port.on("message", (msg: ToWorker | ToWorker[]) => {
  receive(msg);
  drain();
});

/**
 * A run holds this thread (it reported `hold`): every call that has reached the worker and not
 * started, read from the port now if need be, goes back to the main thread to be placed again — a
 * call must not wait out someone's loop (pool.ts decides where each may go). Other messages keep
 * their place and are handled once the run ends.
 */
function handBack(): void {
  for (let next = receiveMessageOnPort(port!); next; next = receiveMessageOnPort(port!)) receive(next.message as ToWorker | ToWorker[]);
  const ids: number[] = [];
  for (const msg of inbox) if (msg.type === "call") ids.push(msg.id);
  for (const id of waitingForVm.keys()) ids.push(id);
  if (ids.length === 0) return;
  const rest = inbox.filter((msg) => msg.type !== "call");
  inbox.length = 0;
  inbox.push(...rest);
  waitingForVm.clear();
  out.push({ type: "handback", ids });
}

function handle(msg: ToWorker): void {
  switch (msg.type) {
    case "init":
      apps.set(msg.app.appKey, { spec: msg.app });
      if (!limits.lazy) void vmOf(msg.app.appKey);
      break;
    case "drop": {
      const app = apps.get(msg.appKey);
      apps.delete(msg.appKey);
      app?.vm?.dispose("the app was unloaded");
      break;
    }
    case "call":
      startCall(msg);
      break;
    case "cancel":
      callVm.get(msg.id)?.cancel(msg.id);
      callVm.delete(msg.id);
      break;
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
}

// Host-side bugs must not take every call on this worker with them; function code cannot reach here.
process.on("unhandledRejection", (reason) =>
  post({ type: "log", appKey: "", line: `unhandled rejection in the function worker: ${String(reason)}` }),
);
process.on("uncaughtException", (error) =>
  post({ type: "log", appKey: "", line: `uncaught exception in the function worker: ${error.message}` }),
);

post({ type: "ready" });
