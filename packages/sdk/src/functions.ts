/**
 * Calling server functions as a user (PROTOCOL §6.1): arguments go out as canonical EJSON, results come
 * back EJSON-decoded, so Dates, ObjectIds, Int32/Double/Long, Decimal128 and Binary survive the trip.
 */
import { encode } from "./ejson.js";
import { base64Encode } from "./jwt.js";
import { readJsonBody } from "./transport/fetcher.js";
import type { FetchResponse } from "./transport/fetch-types.js";
import type { Requester } from "./transport/requester.js";
import { appRoutes } from "./transport/routes.js";

/** A server function as seen from the client. */
export type RealmFunction<R, A extends unknown[]> = (...args: A) => Promise<R>;

/** The methods every functions factory has. */
export interface BaseFunctionsFactory {
  /**
   * Calls a server function by name. `user.functions.name(...)` is equivalent.
   *
   * @example
   * const sum = await user.functions.callFunction("sum", 1, 2);
   */
  callFunction(name: string, ...args: any[]): Promise<any>;
  /**
   * Calls a server function in streaming mode (`text/event-stream`).
   *
   * @example
   * for await (const chunk of await user.functions.callFunctionStreaming("feed")) process(chunk);
   */
  callFunctionStreaming(name: string, ...args: any[]): Promise<AsyncIterable<Uint8Array>>;
}

/** The default factory type: every property is a callable server function. */
export interface DefaultFunctionsFactory extends BaseFunctionsFactory {
  /** Calls the server function of that name. */
  [name: string]: RealmFunction<any, any[]>;
}

/**
 * Property names the proxy leaves alone: its own methods, and Object.prototype members that runtimes
 * and libraries probe (`then` is included so the factory is not mistaken for a promise).
 */
const RESERVED = new Set([
  "callFunction",
  "callFunctionStreaming",
  "inspect",
  "then",
  "toJSON",
  ...Object.getOwnPropertyNames(Object.prototype),
]);

/** Calls functions as one user. */
class FunctionsFactory implements BaseFunctionsFactory {
  constructor(private readonly requester: Requester) {}

  async callFunction(name: string, ...args: unknown[]): Promise<unknown> {
    const response = await this.requester.fetch(
      { method: "POST", path: appRoutes(this.requester.appId).functionsCall, body: this.body(name, args) },
      "access",
    );
    return readJsonBody(response, this.requester.numbers);
  }

  async callFunctionStreaming(name: string, ...args: unknown[]): Promise<AsyncIterable<Uint8Array>> {
    const request = base64Encode(JSON.stringify(encode(this.body(name, args))));
    const path = `${appRoutes(this.requester.appId).functionsCall}?baas_request=${encodeURIComponent(request)}`;
    const response = await this.requester.fetch({ method: "GET", path, headers: { Accept: "text/event-stream" } }, "access");
    return streamChunks(response);
  }

  private body(name: string, args: unknown[]): Record<string, unknown> {
    return { name, arguments: args };
  }
}

/**
 * Creates `user.functions`: a proxy on which any property is a bound function caller, as in realm-web.
 *
 * @param requester - The user making the calls.
 */
export function createFunctionsFactory<T>(requester: Requester): T & BaseFunctionsFactory {
  const factory = new FunctionsFactory(requester);
  return new Proxy(factory, {
    get(target, property, receiver) {
      if (typeof property === "string" && !RESERVED.has(property)) {
        return (...args: unknown[]) => target.callFunction(property, ...args);
      }
      const value: unknown = Reflect.get(target, property, receiver);
      return typeof value === "function" ? value.bind(target) : value;
    },
  }) as unknown as T & BaseFunctionsFactory;
}

async function* streamChunks(response: FetchResponse): AsyncIterable<Uint8Array> {
  if (!response.body) return;
  const reader = response.body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      // A platform fetch streams bytes; the narrow type only says "something".
      yield value as Uint8Array;
    }
  } finally {
    reader.releaseLock();
  }
}
