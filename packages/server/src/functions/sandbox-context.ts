import type { sandboxHttp } from "./sandbox-http.js";
import { mongoServiceClient, type HostCaller } from "./sandbox-mongo.js";
import type { CallState } from "./sandbox-state.js";

/** What every call's `context` is built from; one per app sandbox. */
export interface ContextDeps {
  /** `values/*.json` by name, outer realm: each `get` hands out a fresh sandbox-realm copy. */
  values: Record<string, unknown>;
  /** `{tag, values}`, outer realm. */
  environment: unknown;
  /** Host service name to method names. */
  hostServices: Record<string, string[]>;
  host: HostCaller;
  /** Runs another function of the app in this sandbox, within the current call. */
  execute: (name: string, args: unknown[]) => unknown;
  http: ReturnType<typeof sandboxHttp>;
  /** Copies an outer-realm value into the sandbox realm. */
  adopt: (value: unknown) => unknown;
}

/**
 * The `context` global of one running function (App Services' shape): `user`, `request`,
 * `values.get`, `environment`, `functions.execute`, `services.get`, `http`, `runningAsSystem()`.
 *
 * `context.user` stays the *calling* user even in `run_as_system` functions — App Services' tutorial
 * backend relies on it (`getMyTeamMembers` runs as system and reads `context.user.id`);
 * `runningAsSystem()` tells the two cases apart.
 */
export function buildContext(state: CallState, deps: ContextDeps): Record<string, unknown> {
  const services = new Map<string, unknown>();
  return {
    user: state.call.user,
    request: state.call.request,
    values: { get: (name: string) => deps.adopt(deps.values[name]) },
    environment: deps.adopt(deps.environment),
    functions: { execute: (name: string, ...args: unknown[]) => deps.execute(name, args) },
    services: {
      get(name: string) {
        if (typeof name !== "string" || !name) throw new TypeError("services.get() expects a service name");
        if (!services.has(name)) services.set(name, serviceClient(name, deps));
        return services.get(name);
      },
    },
    http: deps.http,
    runningAsSystem: () => state.runningAsSystem,
  };
}

/** A host service's proxy, else a MongoDB client (the main thread refuses unknown service names). */
function serviceClient(name: string, deps: ContextDeps): unknown {
  const methods = deps.hostServices[name];
  if (!methods) return mongoServiceClient(name, deps.host);
  const client: Record<string, (...args: unknown[]) => Promise<unknown>> = {};
  for (const method of methods) client[method] = (...args) => deps.host("service", name, method, args);
  return client;
}
