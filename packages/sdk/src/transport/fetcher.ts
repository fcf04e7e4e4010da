/**
 * The HTTP layer: resolves the app's location once, sends requests with EJSON bodies and bearer
 * tokens, and turns responses into values or {@link MongoDBRealmError}s. It knows nothing about
 * sessions: refreshing and retrying live in `session/`.
 */
import { decode, encode, type NumberDecoding } from "../ejson.js";
import { ClientError, ClientErrorCode, MongoDBRealmError } from "../errors.js";
import { appRoutes } from "./routes.js";

import type { FetchFunction, FetchResponse } from "./fetch-types.js";

export type { FetchFunction, FetchResponse } from "./fetch-types.js";

/** One request to the server. */
export interface HttpRequest {
  /** HTTP method. */
  method: "GET" | "POST" | "PUT" | "DELETE";
  /** Path under the location hostname, e.g. `/api/client/v2.0/auth/profile`; may include a query string. */
  path: string;
  /** Body, sent as canonical EJSON. Absent: no body and no Content-Type. */
  body?: unknown;
  /** Bearer token for the Authorization header. */
  token?: string | null;
  /** Extra headers. */
  headers?: Record<string, string>;
}

/** How a {@link Fetcher} reaches the server. */
export interface FetcherConfig {
  /** Client app id. */
  appId: string;
  /** Base URL (trailing slashes are removed). */
  baseUrl: string;
  /** Use `baseUrl` for every request instead of asking `/location`. */
  skipLocationRequest: boolean;
  /** The fetch implementation. */
  fetch: FetchFunction;
  /** Number decoding of response bodies. */
  numbers: NumberDecoding;
}

/** Sends requests for one app. */
export class Fetcher {
  private location: Promise<string> | null = null;

  /** @param config - Where and how to send requests. */
  constructor(readonly config: FetcherConfig) {
    if (config.skipLocationRequest) this.location = Promise.resolve(config.baseUrl);
  }

  /**
   * The hostname all requests go to, from `GET …/location` (asked once; asked again after a failure).
   */
  get locationUrl(): Promise<string> {
    if (!this.location) {
      const url = this.config.baseUrl + appRoutes(this.config.appId).location;
      this.location = this.send(url, { method: "GET", path: "" })
        .then(async (response) => {
          const body = (await readJson(response)) as { hostname?: unknown } | null;
          if (typeof body?.hostname !== "string") {
            throw new ClientError(ClientErrorCode.InvalidServerResponse, "Location response has no 'hostname'");
          }
          // Core strips trailing slashes; the location hostname must not have one, but be lenient.
          return body.hostname.replace(/\/+$/, "");
        })
        .catch((err: unknown) => {
          this.location = null;
          throw err;
        });
    }
    return this.location;
  }

  /**
   * Sends a request to `{location}{path}`.
   *
   * @returns The response (2xx).
   * @throws MongoDBRealmError for any non-2xx response.
   */
  async fetch(request: HttpRequest): Promise<FetchResponse> {
    return this.send((await this.locationUrl) + request.path, request);
  }

  /**
   * Sends a request and decodes the EJSON response body.
   *
   * @returns The decoded body; null when the response has no body or no content type.
   */
  async fetchJSON<T = unknown>(request: HttpRequest): Promise<T> {
    return (await readJsonBody(await this.fetch(request), this.config.numbers)) as T;
  }

  private async send(url: string, request: HttpRequest): Promise<FetchResponse> {
    const headers: Record<string, string> = { Accept: "application/json", ...request.headers };
    let body: string | undefined;
    if (request.body !== undefined) {
      body = JSON.stringify(encode(request.body));
      headers["Content-Type"] = "application/json";
    }
    if (request.token) headers["Authorization"] = `Bearer ${request.token}`;
    const response = await this.config.fetch(url, { method: request.method, headers, body });
    if (!response.ok) throw await MongoDBRealmError.fromRequestAndResponse(url, request, response);
    return response;
  }
}

/**
 * Reads and EJSON-decodes a response body.
 *
 * @returns The decoded body; null when the response has no body or no content type.
 */
export async function readJsonBody(response: FetchResponse, numbers: NumberDecoding): Promise<unknown> {
  return decode(await readJson(response), numbers);
}

/**
 * Reads a JSON body leniently, without EJSON decoding: no content type or an empty body is `null`
 * (204s); a non-JSON content type is an error, as in realm-web.
 */
export async function readJson(response: FetchResponse): Promise<unknown> {
  const type = response.headers.get("content-type");
  if (type === null) return null;
  if (!type.startsWith("application/json")) {
    throw new ClientError(ClientErrorCode.InvalidServerResponse, `Expected a JSON response, got "${type}"`);
  }
  const text = await response.text();
  if (text === "") return null;
  try {
    return JSON.parse(text) as unknown;
  } catch (cause) {
    throw new ClientError(ClientErrorCode.InvalidServerResponse, "Response body is not valid JSON", { cause });
  }
}
