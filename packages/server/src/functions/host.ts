import { COLLECTION_METHODS, type DataService } from "../data/types.js";
import { decode, encode } from "../data/values.js";
import type { HostHandler } from "./pool.js";
import type { HostCallInfo, HostService } from "./types.js";

/** What the main thread offers the functions of one app. */
export interface HostServices {
  data: (serviceName: string) => DataService | undefined;
  services: Record<string, HostService>;
}

const DATA_METHODS = new Set<string>(COLLECTION_METHODS);

/**
 * The main-thread side of one call's host bridge: runs data operations on the app's
 * `DataService` and methods of extra host services. Arguments arrive as EJSON and are decoded to the
 * driver-like view (numbers for Int32/Double); results go back as canonical EJSON.
 */
export function hostHandler(host: HostServices, info: HostCallInfo): HostHandler {
  return async (kind, service, method, argsText) => {
    const args = decode(argsText);
    if (!Array.isArray(args)) throw new Error("malformed host call");
    if (kind === "service") {
      const target = Object.hasOwn(host.services, service) ? host.services[service] : undefined;
      const fn = target && Object.hasOwn(target, method) ? target[method] : undefined;
      if (typeof fn !== "function") throw new Error(`service '${service}' has no method '${method}'`);
      return encode(await fn(info, ...args));
    }
    const data = host.data(service);
    if (!data) throw new Error(`service not found: '${service}'`);
    if (!DATA_METHODS.has(method)) throw new Error(`unsupported operation '${method}'`);
    const [database, collection, ...rest] = args;
    if (typeof database !== "string" || typeof collection !== "string") throw new Error("database and collection names must be strings");
    const coll = data.collection(database, collection) as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>;
    return encode(await coll[method]!(...rest));
  };
}
