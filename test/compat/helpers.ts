/**
 * Shared pieces of the realm-web@2.0.1 compatibility suite: an isolated storage per `App`, a
 * recording `fetch`, and assertions on `MongoDBRealmError`.
 */
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import * as Realm from "realm-web";
import { jwtClaims, type TestServer } from "../../packages/server/test/helpers/server.js";

type RealmStorage = NonNullable<Realm.AppConfiguration["storage"]>;
type FetchFunction = NonNullable<Realm.AppConfiguration["fetch"]>;

/**
 * An in-memory key/value store for one `App`. realm-web's default in Node is a single process-wide
 * `MemoryStorage` keyed by app id, so two `App`s with the same id would share users and device id.
 */
export class IsolatedStorage implements RealmStorage {
  constructor(
    private readonly data: Map<string, string> = new Map(),
    private readonly keyPart = "",
  ) {}
  private key(key: string): string {
    return this.keyPart ? `${this.keyPart}:${key}` : key;
  }
  get(key: string): string | null {
    return this.data.get(this.key(key)) ?? null;
  }
  set(key: string, value: string): void {
    this.data.set(this.key(key), value);
  }
  remove(key: string): void {
    this.data.delete(this.key(key));
  }
  prefix(keyPart: string): RealmStorage {
    return new IsolatedStorage(this.data, this.key(keyPart));
  }
  clear(prefix?: string): void {
    const start = prefix === undefined ? this.keyPart : this.key(prefix);
    for (const key of [...this.data.keys()]) if (key.startsWith(start)) this.data.delete(key);
  }
  addListener(): void {}
  removeListener(): void {}
}

/** One request realm-web made. */
export interface RecordedRequest {
  method: string;
  /** Path and query, without the server origin. */
  path: string;
  /** The bearer token sent, if any. */
  token: string | undefined;
  /** The request's Content-Type and Accept headers (null when not sent). */
  sentContentType: string | null;
  accept: string | null;
  /** The request body as sent. */
  body: string | undefined;
  status: number;
  /** The response's content type (null when absent). */
  contentType: string | null;
}

/** A `fetch` that records every request and refuses to go on past `limit` (to catch retry loops). */
export function recordingFetch(origin: string, limit = 200): { fetch: FetchFunction; requests: RecordedRequest[] } {
  const requests: RecordedRequest[] = [];
  const recorder = async (input: Parameters<typeof fetch>[0], init?: RequestInit): Promise<Response> => {
    if (requests.length >= limit) throw new Error(`recordingFetch: more than ${limit} requests (retry loop?)`);
    const url = String(input);
    const headers = new Headers(init?.headers);
    const auth = headers.get("authorization");
    const entry: RecordedRequest = {
      method: init?.method ?? "GET",
      path: url.startsWith(origin) ? url.slice(origin.length) : url,
      token: auth?.startsWith("Bearer ") ? auth.slice("Bearer ".length) : undefined,
      sentContentType: headers.get("content-type"),
      accept: headers.get("accept"),
      body: typeof init?.body === "string" ? init.body : undefined,
      status: 0,
      contentType: null,
    };
    requests.push(entry);
    const response = await fetch(input, init);
    entry.status = response.status;
    entry.contentType = response.headers.get("content-type");
    return response;
  };
  return { fetch: recorder as unknown as FetchFunction, requests };
}

/** A fresh `App` with its own storage, pointed at the server (realm-web asks `/location` first). */
export function newApp(
  server: TestServer,
  appId: string,
  options: { skipLocationRequest?: boolean; limit?: number } = {},
): { app: Realm.App; requests: RecordedRequest[] } {
  const { fetch, requests } = recordingFetch(server.url, options.limit);
  const app = new Realm.App({
    id: appId,
    baseUrl: server.url,
    storage: new IsolatedStorage(),
    fetch,
    ...(options.skipLocationRequest ? { skipLocationRequest: true } : {}),
  });
  return { app, requests };
}

/** A unique address for this run. */
export function uniqueEmail(tag: string): string {
  return `${tag}-${randomBytes(4).toString("hex")}@compat.test`;
}

/** Awaits a promise that must reject with a `MongoDBRealmError` of the given code and status. */
export async function rejectsRealm(
  promise: Promise<unknown>,
  expected: { errorCode: string | undefined; statusCode: number; error?: string | RegExp },
): Promise<Realm.MongoDBRealmError> {
  let caught: unknown;
  try {
    await promise;
  } catch (error) {
    caught = error;
  }
  assert.ok(caught !== undefined, `expected a rejection with ${expected.errorCode}, but the call succeeded`);
  assert.ok(caught instanceof Realm.MongoDBRealmError, `expected MongoDBRealmError, got ${String(caught)}`);
  assert.equal(caught.errorCode, expected.errorCode, caught.message);
  assert.equal(caught.statusCode, expected.statusCode, caught.message);
  if (typeof expected.error === "string") assert.equal(caught.error, expected.error);
  else if (expected.error) assert.match(caught.error ?? "", expected.error);
  return caught;
}

/** Decodes a JWT payload without verifying it. */
export const jwtPayload = (token: string) => jwtClaims(token);

/** A raw client-API call, outside realm-web. */
export async function rawCall(
  server: TestServer,
  method: string,
  path: string,
  token?: string,
): Promise<{ status: number; contentType: string | null; body: any }> {
  const response = await fetch(`${server.api}${path}`, {
    method,
    headers: { accept: "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
  });
  const text = await response.text();
  return { status: response.status, contentType: response.headers.get("content-type"), body: text ? JSON.parse(text) : undefined };
}

export const TODO_APP = "todo-gatehouse";
export const CONFIRM_APP = "confirm-app";
export const HEX24 = /^[0-9a-f]{24}$/;
