/**
 * App Services functions: a sandboxed runtime (a QuickJS WebAssembly VM per app in worker threads), the
 * `context` functions see, `can_evaluate` rules, and the host bridge to main-thread services.
 */
export { FunctionRuntime } from "./runtime.js";
export { ClientArguments } from "./guest-wire.js";
export { WorkerPool, type WorkerPoolOptions, type PoolStats } from "./pool.js";
export { evaluateRule, type RuleInputs } from "./rules.js";
export {
  FunctionError,
  FunctionNotFound,
  FunctionExecutionError,
  FunctionNotCallable,
  RuleNotMatched,
  ExecutionTimeLimitExceeded,
} from "./errors.js";
export { BUILTIN_ALLOWLIST } from "./sandbox-require.js";
export type * from "./types.js";
