import { Worker, type WorkerOptions } from "node:worker_threads";
import type { VmLimits } from "./app-vm-types.js";

/** Running from TypeScript sources (tests, `tsx`) rather than compiled `dist/`. */
const FROM_SOURCE = import.meta.url.endsWith(".ts");
/** Where the worker entry lives: `.ts` beside this file under tsx, `.js` in `dist/`. */
const WORKER_URL = new URL(`./worker${FROM_SOURCE ? ".ts" : ".js"}`, import.meta.url);

/** Old-generation heap of a worker thread: only host-side bookkeeping lives there (VMs are WebAssembly memory). */
export const WORKER_HEAP_MB = 256;

/** What a worker thread is told at start. */
export interface WorkerSettings extends VmLimits {
  /** Build an app's VM on its first call rather than when the app is loaded (reserve and surge workers). */
  lazy: boolean;
  /**
   * One BigInt64 the worker sets to the highest call id it has begun: when it must be killed as stuck,
   * the calls it had received with higher ids never ran and can be placed again.
   */
  begun: SharedArrayBuffer;
}

/** Starts a function worker thread. */
export function startWorkerThread(settings: WorkerSettings): Worker {
  const options: WorkerOptions = {
    workerData: settings,
    resourceLimits: { maxOldGenerationSizeMb: WORKER_HEAP_MB, maxYoungGenerationSizeMb: 32 },
    stdout: false,
    stderr: false,
  };
  if (!FROM_SOURCE) return new Worker(WORKER_URL, options);
  // Workers inherit `--import tsx` in execArgv, but Node 20 does not run it for them: register tsx's
  // loader inside the worker, then import the TypeScript entry.
  const tsxApi = import.meta.resolve("tsx/esm/api");
  const boot = `import(${JSON.stringify(tsxApi)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(WORKER_URL.href)}); });`;
  return new Worker(boot, { ...options, eval: true });
}
