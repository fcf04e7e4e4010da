/**
 * Messages between the main thread and a sandbox worker. Every value that may hold BSON types is a
 * canonical EJSON string (`encode`/`decodeExact` of `data/values.ts`): structured clone would turn
 * `ObjectId`, `Long` or `Decimal128` into plain objects. Either side may post a single message or an
 * array of them (hop-batch.ts): one per event-loop turn, in the order they were queued.
 */

/** What a worker needs to build one app's VM. */
export interface AppSandboxSpec {
  appKey: string;
  /** The app directory; `require` resolves npm packages from `<dir>/functions/node_modules`. */
  dir: string;
  functions: { name: string; source?: string; runAsSystem: boolean }[];
  /** EJSON of `{name: value}` for `context.values.get`. */
  values: string;
  /** EJSON of `{tag, values}` for `context.environment`. */
  environment: string;
  /** Host service name to its method names (`context.services.get(name).method(...)`). */
  hostServices: Record<string, string[]>;
}

export interface CallMessage {
  type: "call";
  id: number;
  appKey: string;
  name: string;
  /** EJSON array. */
  args: string;
  /** EJSON of the ContextUser or null. */
  user: string;
  /** EJSON of the RequestInfo or null. */
  request: string;
  /** The function runs with system rights (`context.runningAsSystem()`). */
  runningAsSystem: boolean;
  timeLimitMs: number;
}

export type ToWorker =
  | { type: "init"; app: AppSandboxSpec }
  | { type: "drop"; appKey: string }
  | CallMessage
  | { type: "cancel"; id: number }
  | { type: "ping"; id: number }
  | { type: "hostResult"; id: number; ok: true; value: string }
  | { type: "hostResult"; id: number; ok: false; message: string };

/** An error as the worker reports it; `code` is `ExecutionTimeLimitExceeded` or `FunctionExecutionError`. */
export interface WireError {
  code: string;
  message: string;
  /** The catalogue entry, when more precise than the code (`functionMemoryLimit`, `functionValueTooLarge`). */
  reason?: string;
}

export type FromWorker =
  | { type: "ready" }
  | { type: "result"; id: number; ok: true; value: string; logs: string[] }
  | { type: "result"; id: number; ok: false; error: WireError; logs: string[] }
  /**
   * A call into the main thread for the function call `callId`: a data operation (`kind: "data"`,
   * args `[database, collection, ...methodArgs]`) or a host service method.
   */
  | { type: "host"; id: number; callId: number; kind: "data" | "service"; service: string; method: string; args: string }
  | { type: "pong"; id: number }
  /** These calls began running in the worker at `at` (epoch ms): their time limit counts from there. */
  | { type: "started"; ids: number[]; at: number }
  /** Call `id` has run synchronously past the hold threshold: the worker is busy with it until `release`. */
  | { type: "hold"; id: number }
  | { type: "release"; id: number }
  /**
   * Calls this worker received but has not started, given back because a long run holds it (sent
   * right after `hold`, and again for calls that reach it while the run goes on): the main thread
   * places them again. The worker has forgotten them: none of them will start here.
   */
  | { type: "handback"; ids: number[] }
  /** Printed outside any call (top-level code of a source at load time). */
  | { type: "log"; appKey: string; line: string };
