import { GatehouseError } from "../errors.js";

/**
 * Errors of function calls, with the App Services `error_code` each maps to (PROTOCOL.md §6.1, §8.2).
 * They are {@link GatehouseError}s, so the HTTP layer sends them as `{error, error_code}` unchanged.
 * Branch on `code` or on the class, never on the message.
 */
export class FunctionError extends GatehouseError {
  /** What the function printed before it failed (empty when it never ran). */
  logs: string[] = [];
}

/** No function of that name (`function not found: 'x'`, HTTP 404, as App Services answered). */
export class FunctionNotFound extends FunctionError {
  constructor(name: string) {
    super("FunctionNotFound", 404, `function not found: '${name}'`);
    this.name = "FunctionNotFound";
  }
}

/** The function threw, returned something that cannot be serialized, or its worker died. */
export class FunctionExecutionError extends FunctionError {
  constructor(message: string) {
    super("FunctionExecutionError", 400, message);
    this.name = "FunctionExecutionError";
  }
}

/**
 * The function's `can_evaluate` rule did not hold for this caller. App Services reported this as a
 * `FunctionExecutionError` with exactly this message (realm-kotlin's FunctionsTests, run against the
 * real service), so the wire code stays that; the class tells it apart for Gatehouse's own code.
 */
export class RuleNotMatched extends FunctionExecutionError {
  constructor(name: string) {
    super(`rule not matched for function "${name}"`);
    this.name = "RuleNotMatched";
  }
}

/** A client called a private function (the real code is unconfirmed; `NotCallable` is a core name). */
export class FunctionNotCallable extends FunctionError {
  constructor(name: string) {
    super("NotCallable", 403, `function '${name}' is private and cannot be called by clients`);
    this.name = "FunctionNotCallable";
  }
}

/** The call ran past its time limit (synchronous loop or pending async work). */
export class ExecutionTimeLimitExceeded extends FunctionError {
  constructor(limitMs: number) {
    super("ExecutionTimeLimitExceeded", 400, `execution time limit exceeded (${limitMs} ms)`);
    this.name = "ExecutionTimeLimitExceeded";
  }
}

/** Rebuilds an error a worker reported as `{code, message}`. */
export function errorFromWire(error: { code: string; message: string }, limitMs: number): FunctionError {
  switch (error.code) {
    case "ExecutionTimeLimitExceeded":
      return new ExecutionTimeLimitExceeded(limitMs);
    default:
      return new FunctionExecutionError(error.message);
  }
}
