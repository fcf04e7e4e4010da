import { GatehouseError } from "../errors.js";

/**
 * Errors of function calls: {@link GatehouseError}s built from the catalogue's `function*` entries
 * (PROTOCOL.md §6.1, §8.2), as classes so they can carry the function's logs. Branch on `reason`,
 * `code` or the class, never on the message.
 */
export class FunctionError extends GatehouseError {
  /** What the function printed before it failed (empty when it never ran). */
  logs: string[] = [];
}

/** No function of that name (`function not found: 'x'`, HTTP 404, as App Services answered). */
export class FunctionNotFound extends FunctionError {
  constructor(name: string) {
    super("functionNotFound", name);
    this.name = "FunctionNotFound";
  }
}

/** Catalogue entries that answer `FunctionExecutionError`. */
export type FunctionExecutionReason =
  | "functionExecutionError"
  | "functionRuleNotMatched"
  | "functionValueTooLarge"
  | "functionMemoryLimit"
  | "functionWorkerFailed"
  | "functionQueueFull";

const EXECUTION_REASONS: ReadonlySet<string> = new Set<FunctionExecutionReason>([
  "functionExecutionError",
  "functionValueTooLarge",
  "functionMemoryLimit",
  "functionWorkerFailed",
  "functionQueueFull",
]);

/** The function threw, returned something that cannot be serialized, or its worker died. */
export class FunctionExecutionError extends FunctionError {
  /**
   * @param detail - The message; for a subclass's own `reason`, that entry's argument.
   * @param reason - The catalogue entry (a subclass picks its own).
   */
  constructor(detail: string, reason: FunctionExecutionReason = "functionExecutionError") {
    super(reason, detail);
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
    super(name, "functionRuleNotMatched");
    this.name = "RuleNotMatched";
  }
}

/** A client called a private function (the real code is unconfirmed; `NotCallable` is a core name). */
export class FunctionNotCallable extends FunctionError {
  constructor(name: string) {
    super("functionNotCallable", name);
    this.name = "FunctionNotCallable";
  }
}

/** The call ran past its time limit (synchronous loop or pending async work). */
export class ExecutionTimeLimitExceeded extends FunctionError {
  constructor(limitMs: number) {
    super("functionTimeLimit", limitMs);
    this.name = "ExecutionTimeLimitExceeded";
  }
}

/** Rebuilds an error a worker reported as `{code, message}`. */
export function errorFromWire(error: { code: string; message: string; reason?: string }, limitMs: number): FunctionError {
  if (error.code === "ExecutionTimeLimitExceeded") return new ExecutionTimeLimitExceeded(limitMs);
  const reason = error.reason && EXECUTION_REASONS.has(error.reason) ? (error.reason as FunctionExecutionReason) : "functionExecutionError";
  return new FunctionExecutionError(error.message, reason);
}

/** The message of a value over the size limit (`maxValueBytes`). */
export function tooLarge(what: string, size: number, limit: number): string {
  return `function ${what} too large: ${size} bytes (the limit is ${limit})`;
}
