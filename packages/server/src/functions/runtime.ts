import type { FunctionConfig } from "../config/types.js";
import { decodeExact, encode } from "../data/values.js";
import { FunctionError, FunctionExecutionError, tooLarge, FunctionNotCallable, FunctionNotFound, RuleNotMatched } from "./errors.js";
import { ClientArguments, toGuestText } from "./guest-wire.js";
import { hostHandler } from "./host.js";
import { WorkerPool } from "./pool.js";
import type { AppSandboxSpec } from "./protocol.js";
import { evaluateRule, type RuleInputs } from "./rules.js";
import type { CallOptions, FunctionCallResult, FunctionRuntimeOptions } from "./types.js";

let instances = 0;

/** Default of {@link FunctionRuntimeOptions.maxValueBytes}. */
export const DEFAULT_MAX_VALUE_BYTES = 8 * 1024 * 1024;

/**
 * Runs one app's functions: each app gets a QuickJS VM of its own in every worker thread of the pool.
 *
 * @example
 * ```ts
 * const runtime = new FunctionRuntime({ app, data: (name) => (name === "mongodb-atlas" ? builtin : undefined) });
 * await runtime.start();
 * const result = await runtime.invoke("sum", [1, 2], { user, fromClient: true });
 * reply.type("application/json").send(result.ejson); // canonical EJSON, ready to send
 * await runtime.close();
 * ```
 */
export class FunctionRuntime {
  private readonly functions: Map<string, FunctionConfig>;
  private readonly appKey: string;
  private readonly pool: WorkerPool;
  private readonly ownsPool: boolean;
  private readonly timeLimitMs: number;
  private readonly values: Record<string, unknown>;
  private readonly environment: { tag: string; values: Record<string, unknown> };

  /**
   * @param options see {@link FunctionRuntimeOptions}; `pool` shares one {@link WorkerPool} between
   *   several apps' runtimes (its own `workers`/`memoryLimitMb` then apply, not these options').
   */
  constructor(private readonly options: FunctionRuntimeOptions & { pool?: WorkerPool }) {
    const { app } = options;
    this.functions = new Map(app.functions.map((f) => [f.name, f]));
    this.appKey = `${app.clientAppId}#${++instances}`;
    this.timeLimitMs = options.timeLimitMs ?? 10_000;
    this.values = Object.fromEntries(
      Object.values(app.values).map((v) => [v.name, v.fromSecret ? options.secrets?.[String(v.value)] : v.value]),
    );
    this.environment = { tag: app.environment ?? "", values: app.environmentValues ?? {} };
    this.ownsPool = !options.pool;
    this.pool =
      options.pool ??
      new WorkerPool({
        workers: options.workers ?? 2,
        memoryLimitMb: options.memoryLimitMb ?? 128,
        ...(options.maxValueBytes !== undefined ? { maxValueBytes: options.maxValueBytes } : {}),
        log: (_key, line) => this.log("<runtime>", line),
      });
  }

  /** Starts the workers (when the runtime owns its pool) and loads the app's functions into them. */
  async start(): Promise<void> {
    this.pool.start();
    const spec: AppSandboxSpec = {
      appKey: this.appKey,
      dir: this.options.app.dir,
      functions: [...this.functions.values()].map((f) => ({ name: f.name, source: f.source, runAsSystem: f.runAsSystem })),
      values: encode(this.values),
      environment: encode(this.environment),
      hostServices: Object.fromEntries(
        Object.entries(this.options.hostServices ?? {}).map(([name, service]) => [name, Object.keys(service)]),
      ),
    };
    this.pool.addApp(spec);
    for (const f of this.functions.values()) {
      if (f.runAsUserIdScriptSource) this.log(f.name, `run_as_user_id_script_source is not supported; '${f.name}' runs as its caller`);
    }
  }

  /** Whether the app defines a function of that name. */
  has(name: string): boolean {
    return this.functions.has(name);
  }

  /** The app's definition of function `name` (one map lookup: routes check it on every call). */
  definition(name: string): FunctionConfig | undefined {
    return this.functions.get(name);
  }

  /**
   * Calls function `name` with `args` (EJSON-decoded values, or a client's arguments already in guest
   * text: {@link ClientArguments}) and returns its awaited result.
   *
   * @throws {FunctionNotFound} no such function.
   * @throws {FunctionNotCallable} `fromClient` and the function is private.
   * @throws {RuleNotMatched} `fromClient` and `can_evaluate` does not hold.
   * @throws {FunctionExecutionError} it threw, or its worker died (memory limit).
   * @throws {ExecutionTimeLimitExceeded} it ran past the time limit.
   */
  async invoke(name: string, args: unknown[] | ClientArguments, options: CallOptions): Promise<FunctionCallResult> {
    const fn = this.functions.get(name);
    if (!fn) throw new FunctionNotFound(name);
    const wire = args instanceof ClientArguments ? args : undefined;
    const argList = wire ? undefined : Array.isArray(args) ? args : [args];
    if (options.fromClient) {
      if (fn.private) throw new FunctionNotCallable(name);
      if (fn.canEvaluate && Object.keys(fn.canEvaluate).length && !(await this.ruleHolds(fn, argList ?? wire!.decode(), options))) {
        throw new RuleNotMatched(name);
      }
    }
    let user = options.user;
    // run_as_system wins over run_as_user_id (PROTOCOL.md §10.3).
    if (fn.runAsUserId && !fn.runAsSystem && this.options.resolveUser) {
      user = await this.options.resolveUser(fn.runAsUserId);
      if (!user) throw new FunctionExecutionError(`run_as_user_id user '${fn.runAsUserId}' not found`);
    }
    const runningAsSystem = !!options.runAsSystem || fn.runAsSystem;
    const timeLimitMs = options.timeLimitMs ?? this.timeLimitMs;
    const info = { appId: this.options.app.clientAppId, functionName: name, user, runningAsSystem };
    const onHost = hostHandler({ data: this.options.data, services: this.options.hostServices ?? {} }, info);
    let encoded: { args: string; user: string; request: string };
    try {
      encoded = {
        args: wire ? wire.text : toGuestText(argList),
        user: toGuestText(user ?? null),
        request: toGuestText(options.request ?? null),
      };
    } catch (error) {
      throw new FunctionExecutionError(`arguments cannot be sent to the function: ${(error as Error).message}`);
    }
    const limit = this.options.maxValueBytes ?? DEFAULT_MAX_VALUE_BYTES;
    if (encoded.args.length > limit)
      throw new FunctionExecutionError(tooLarge("arguments", encoded.args.length, limit), "functionValueTooLarge");
    try {
      const route = {
        lane: options.lane ?? "user",
        ...(options.user?.id !== undefined ? { userId: String(options.user.id) } : {}),
      } as const;
      const { value, logs } = await this.pool.run({ appKey: this.appKey, name, ...encoded, runningAsSystem, timeLimitMs }, onHost, route);
      for (const line of logs) this.log(name, line);
      return resultOf(value, logs);
    } catch (error) {
      if (error instanceof FunctionError) for (const line of error.logs) this.log(name, line);
      throw error;
    }
  }

  /** {@link invoke}, returning only the value. */
  async call(name: string, args: unknown[], options: CallOptions): Promise<unknown> {
    return (await this.invoke(name, args, options)).value;
  }

  /** Unloads the app; stops the workers when the runtime owns its pool. */
  async close(): Promise<void> {
    if (this.ownsPool) await this.pool.close();
    else this.pool.removeApp(this.appKey);
  }

  /** `can_evaluate` for a client call. `%function` calls run as system; a failing one denies. */
  private async ruleHolds(fn: FunctionConfig, args: unknown[], options: CallOptions): Promise<boolean> {
    const inputs: RuleInputs = {
      user: options.user ?? null,
      values: this.values,
      environment: this.environment,
      args,
      ...(options.request ? { request: options.request } : {}),
    };
    try {
      return await evaluateRule(fn.canEvaluate, inputs, (name, fnArgs) =>
        this.call(name, fnArgs, {
          user: options.user,
          fromClient: false,
          runAsSystem: true,
          ...(options.lane ? { lane: options.lane } : {}),
        }),
      );
    } catch {
      return false;
    }
  }

  private log(functionName: string, line: string): void {
    this.options.log?.({ appId: this.options.app.clientAppId, functionName, line });
  }
}

/** A result whose decoded value is built only if someone reads it (the route usually sends `ejson`). */
function resultOf(ejson: string, logs: string[]): FunctionCallResult {
  let decoded: { value: unknown } | undefined;
  return {
    ejson,
    logs,
    get value() {
      decoded ??= { value: decodeExact(ejson) };
      return decoded.value;
    },
  };
}
