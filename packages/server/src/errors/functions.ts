/**
 * Calling an app's functions and services.
 * Part of the one catalogue that `../errors.ts` assembles; see there for what an entry is.
 */
import type { Entry } from "./entry.js";

export const functionErrors = {
  // ---- functions (PROTOCOL.md §6.1; the classes in functions/errors.ts use these entries)
  functionNotFound: { code: "FunctionNotFound", status: 404, message: (name: string) => `function not found: '${name}'` },
  functionHasNoSource: {
    code: "FunctionNotFound",
    status: 404,
    message: (name: string) => `function not found: '${name}' (no source)`,
  },
  functionExecutionError: { code: "FunctionExecutionError", status: 400, message: (message: string) => message },
  /** realm-kotlin's tests, run against the real service, saw exactly this code and wording. */
  functionRuleNotMatched: {
    code: "FunctionExecutionError",
    status: 400,
    message: (name: string) => `rule not matched for function "${name}"`,
  },
  functionNotCallable: {
    code: "NotCallable",
    status: 403,
    message: (name: string) => `function '${name}' is private and cannot be called by clients`,
  },
  functionTimeLimit: {
    code: "ExecutionTimeLimitExceeded",
    status: 400,
    message: (limitMs: number) => `execution time limit exceeded (${limitMs} ms)`,
  },
  /** Arguments, result, a service payload or an HTTP body over `functions.maxValueBytes`. */
  functionValueTooLarge: { code: "FunctionExecutionError", status: 400, message: (message: string) => message },
  /** The app's VM ran out of its memory (`functions.memoryLimitMb`). */
  functionMemoryLimit: { code: "FunctionExecutionError", status: 400, message: (message: string) => message },
  /** The call's worker thread died or stopped answering and was replaced. */
  functionWorkerFailed: { code: "FunctionExecutionError", status: 400, message: (message: string) => message },
  /** Too many calls of one app or user waiting for a slot (`functions.maxQueuedPerApp`). */
  functionQueueFull: { code: "FunctionExecutionError", status: 400, message: (message: string) => message },
  functionCallEncoding: { code: "BadRequest", status: 400, message: () => "baas_request must be base64 of a JSON function call" },
  serviceNotFound: { code: "ServiceNotFound", status: 404, message: (name: string) => `service not found: '${name}'` },
} satisfies Record<string, Entry>;
