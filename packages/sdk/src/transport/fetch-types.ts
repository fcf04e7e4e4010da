/**
 * The part of `fetch` the SDK uses. Narrower than the platform's types on purpose: a `fetch` typed by
 * realm-web's declarations (its own `RequestInit` and `Response`) fits as well as the platform's does, so
 * a realm-web program passing its `fetch` keeps compiling.
 */

/** What the SDK passes to `fetch`. */
export interface FetchInit {
  method: string;
  headers: Record<string, string>;
  body?: string;
}

/** A stream reader of the response body, as `ReadableStream.getReader()` gives it. */
export interface FetchBodyReader {
  read(): Promise<{ done: boolean; value?: unknown }>;
  releaseLock(): void;
}

/** What the SDK reads of a `fetch` response. */
export interface FetchResponse {
  readonly ok: boolean;
  readonly status: number;
  readonly statusText: string;
  readonly headers: { get(name: string): string | null };
  readonly body?: { getReader(): FetchBodyReader } | null;
  text(): Promise<string>;
  json(): Promise<unknown>;
}

/** A `fetch`-compatible function. */
export type FetchFunction = (url: string, init: FetchInit) => Promise<FetchResponse>;
