/**
 * How an {@link App} is configured: realm-web's options plus a few additions, and how the base URL is
 * resolved.
 */
import type { LocalAppConfiguration } from "./device.js";
import type { NumberDecoding } from "./ejson.js";
import { ClientError, ClientErrorCode } from "./errors.js";
import type { Clock } from "./session/clock.js";
import type { Storage } from "./storage/storage.js";
import type { FetchFunction } from "./transport/fetch-types.js";

/** Configuration of an {@link App}. */
export interface AppConfiguration {
  /** The client app id. */
  id: string;
  /**
   * URL of the Gatehouse server, e.g. `https://auth.example.com`. Defaults to the page's origin in
   * browsers; required elsewhere.
   */
  baseUrl?: string;
  /** Your app's name and version, reported to the server at login. */
  app?: LocalAppConfiguration;
  /** The `fetch` to use (defaults to the global one). */
  fetch?: FetchFunction;
  /**
   * Where users are cached: `LocalStorage` in browsers by default, `MemoryStorage` elsewhere. In Node,
   * pass `new DirectoryStorage(dir)` from `@gatehouse/sdk/node` to stay logged in across restarts.
   */
  storage?: Storage;
  /** Send every request to `baseUrl` instead of the hostname returned by `/location` (reverse proxies). */
  skipLocationRequest?: boolean;
  /** Addition: the clock used to judge token expiry (tests inject one). Defaults to `Date.now`. */
  clock?: Clock;
  /**
   * Addition: how numbers in function results and custom data are decoded. `"native"` (default, as
   * realm-web): JS numbers, except Int64 values a double cannot hold exactly, which stay `Long`.
   * `"bson"`: always `Int32` / `Double` / `Long`, so values can be sent back with their BSON type.
   */
  numberDecoding?: NumberDecoding;
}

/**
 * Resolves the server URL: the configured one, else the page's origin in a browser.
 *
 * @throws ClientError `ClientInvalidArgument` when there is neither.
 */
export function resolveBaseUrl(baseUrl: string | undefined): string {
  const origin = (globalThis as { location?: { origin?: string } }).location?.origin;
  const url = baseUrl ?? (origin && origin !== "null" ? origin : undefined);
  if (!url) throw new ClientError(ClientErrorCode.InvalidArgument, "Missing 'baseUrl': the URL of the Gatehouse server");
  // realm-core strips trailing slashes; realm-web does not, and then builds '//api' paths.
  return url.replace(/\/+$/, "");
}
