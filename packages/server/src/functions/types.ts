import type { AppConfig } from "../config/types.js";
import type { DataService } from "../data/types.js";

/** The user a function runs for: `context.user` and `%%user` in rules. */
export interface ContextUser {
  /** 24-hex user id. */
  id: string;
  /** `normal`, `server` (API key users) or `system`. */
  type: string;
  /** Profile data (`email`, `name`, ... from identities' metadata). */
  data: Record<string, unknown>;
  /** `[{id, provider_type, ...}]`. */
  identities: Record<string, unknown>[];
  /** The custom user data document, or `{}`. */
  custom_data?: Record<string, unknown>;
  /** Any other field App Services exposed (`creation_date`, ...). */
  [extra: string]: unknown;
}

/** The incoming request: `context.request` and `%%request` in rules. */
export interface RequestInfo {
  remoteIPAddress?: string;
  /** Header name to values, as App Services exposed them (`{"User-Agent": ["..."]}`). */
  requestHeaders?: Record<string, string[]>;
  httpMethod?: string;
  httpReferrer?: string;
  httpUserAgent?: string;
  rawQueryString?: string;
  /** The `service` field of a `functions/call` body, when present. */
  service?: string;
  [extra: string]: unknown;
}

/** How one call was made. */
export interface CallOptions {
  /** The calling user; `null` for calls nobody made (triggers, server internals). */
  user: ContextUser | null;
  request?: RequestInfo;
  /** A client called it over HTTP: private functions are refused and `can_evaluate` applies. */
  fromClient: boolean;
  /** Run with system rights whatever the function's config says (triggers, auth functions). */
  runAsSystem?: boolean;
  /** Overrides the runtime's time limit for this call. */
  timeLimitMs?: number;
  /**
   * `auth` for auth functions (custom-function login, confirmation, reset, authentication triggers):
   * they run on workers reserved for them, so user calls cannot starve logins. Default `user`.
   */
  lane?: "user" | "auth";
}

/** What a call produced. */
export interface FunctionCallResult {
  /** The return value (promises awaited), decoded with every BSON type kept (`Int32`, `Double`, ...). */
  readonly value: unknown;
  /** The same value as canonical EJSON: send it as the response body without re-encoding. */
  readonly ejson: string;
  /** Lines the function printed with `console.*`. */
  readonly logs: string[];
}

/** Who is calling a host service, for its own checks. */
export interface HostCallInfo {
  appId: string;
  functionName: string;
  user: ContextUser | null;
  runningAsSystem: boolean;
}

/**
 * A main-thread service functions reach through `context.services.get(name)`: each method becomes
 * an async method of the object the function gets. Arguments and results cross the worker boundary
 * as EJSON, so they must be EJSON-serializable; a thrown error reaches the function as an `Error`
 * with the same message.
 *
 * @example
 * ```ts
 * const admin: HostService = {
 *   async deleteUser(info, userId) {
 *     if (!info.runningAsSystem) throw new Error("only system functions may delete users");
 *     await users.delete(String(userId));
 *   },
 * };
 * // in a function: await context.services.get("gatehouse-admin").deleteUser(id)
 * ```
 */
export type HostService = Record<string, (info: HostCallInfo, ...args: unknown[]) => unknown>;

/** One line printed by a function. */
export interface FunctionLogEntry {
  appId: string;
  functionName: string;
  line: string;
}

/** Options of {@link FunctionRuntime}. */
export interface FunctionRuntimeOptions {
  app: AppConfig;
  /** The data service behind `context.services.get(name)` (`mongodb-atlas`, ...), if any. */
  data: (serviceName: string) => DataService | undefined;
  /** Worker threads in the pool. Default 2. */
  workers?: number;
  /** Per-call limit, sync and async together. Default 10 000 ms. */
  timeLimitMs?: number;
  /** Heap of the app's QuickJS VM in each worker, in MB. Default 128. */
  memoryLimitMb?: number;
  /**
   * Largest argument list and result of a call, and largest service payload or HTTP body a function
   * handles, as EJSON text. Above it the call fails with `FunctionExecutionError`. Default 8 MiB.
   */
  maxValueBytes?: number;
  /** Receives every printed line (and runtime warnings, with `functionName` `"<runtime>"`). */
  log?: (entry: FunctionLogEntry) => void;
  /** Extra services for `context.services.get(name)`; they shadow data services of the same name. */
  hostServices?: Record<string, HostService>;
  /** Secret values for `values/*.json` entries with `from_secret: true`, by secret name. */
  secrets?: Record<string, string>;
  /** Looks up a user for functions configured with `run_as_user_id`. */
  resolveUser?: (userId: string) => Promise<ContextUser | null>;
}
