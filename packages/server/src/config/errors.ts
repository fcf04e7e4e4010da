/**
 * The one error the app-config loader throws. Every problem that stops an app directory from
 * loading is a ConfigError naming the file (relative to the app directory) and, when one field is
 * at fault, the field as a dotted JSON path (`local-userpass.config.autoConfirm`, `[3].name`).
 * Callers branch on `code`, never on the message.
 */

export type ConfigErrorCode =
  /** The directory does not exist or is not a directory. */
  | "ERR_CONFIG_NO_DIR"
  /** None of realm_config.json, root_config.json, config.json, stitch.json is present. */
  | "ERR_CONFIG_NO_ROOT"
  /** A file could not be read (permissions, I/O). */
  | "ERR_CONFIG_UNREADABLE"
  /** A file is not valid JSON. `line` and `column` say where. */
  | "ERR_CONFIG_INVALID_JSON"
  /** A field (or the whole document when `field` is undefined) has the wrong type or value. */
  | "ERR_CONFIG_INVALID_FIELD";

export interface ConfigErrorDetails {
  code: ConfigErrorCode;
  /** Path of the file relative to the app directory, with `/` separators (`.` for the directory). */
  file: string;
  /** Dotted JSON path of the field at fault; undefined when the file as a whole is at fault. */
  field?: string | undefined;
  /** What is wrong, without the file and field (the message adds them). */
  problem: string;
  /** 1-based position of a JSON syntax error. */
  line?: number | undefined;
  column?: number | undefined;
  cause?: unknown;
}

/**
 * @example
 * try { await loadAppDirectory("examples/todo"); }
 * catch (e) { if (e instanceof ConfigError) console.error(e.file, e.field, e.message); }
 */
export class ConfigError extends Error {
  readonly code: ConfigErrorCode;
  readonly file: string;
  readonly field: string | undefined;
  readonly problem: string;
  readonly line: number | undefined;
  readonly column: number | undefined;

  constructor(details: ConfigErrorDetails) {
    super(formatMessage(details), details.cause === undefined ? undefined : { cause: details.cause });
    this.name = "ConfigError";
    this.code = details.code;
    this.file = details.file;
    this.field = details.field;
    this.problem = details.problem;
    this.line = details.line;
    this.column = details.column;
  }
}

function formatMessage(d: ConfigErrorDetails): string {
  let where = d.file;
  if (d.line !== undefined) where += `:${d.line}${d.column !== undefined ? `:${d.column}` : ""}`;
  if (d.field !== undefined) where += ` field "${d.field}"`;
  return `${where}: ${d.problem}`;
}

/** Shorthand for the common case: a field of the wrong type or value. */
export function invalidField(file: string, field: string | undefined, problem: string): ConfigError {
  return new ConfigError({
    code: "ERR_CONFIG_INVALID_FIELD",
    file,
    field,
    problem,
  });
}
