/**
 * Shared pieces of the functions HTTP tests: a server on the `functions-app` fixture with short
 * function limits, logins, canonical EJSON function calls, and direct reads of the app's builtin
 * collections (what its functions wrote).
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { EJSON, Int32 } from "bson";
import type { ServerConfig } from "../../src/index.js";
import { call, jwtClaims, repoRoot, startTestServer, type TestServer } from "../helpers/server.js";

/** The fixture app of these tests (client app id `functions-app`). */
export const functionsApp = join(repoRoot, "packages/server/test/fixtures/apps/functions-app");
export const APP = "functions-app";

/** What the fixture's `dataOps` function returns: every collection operation, on any engine. */
export const DATA_OPS_RESULT = {
  sorted: [new Int32(14), new Int32(3), new Int32(2)],
  count: new Int32(2),
  list: ["x"],
  deleted: new Int32(2),
  left: new Int32(3),
};

/** Short limits keep the timeout and memory tests fast. */
export const FUNCTION_LIMITS = { timeLimitMs: 1500, memoryLimitMb: 64 };

export function startFunctionsServer(config: ServerConfig = {}): Promise<TestServer> {
  return startTestServer({ apps: [functionsApp], config: { functions: FUNCTION_LIMITS, ...config } });
}

/** A collection of the app's builtin `mongodb-atlas` data source, database `app`. */
export function collection(server: TestServer, name: string) {
  const app = server.services.apps.get(APP);
  assert.ok(app, "functions-app is loaded");
  const service = server.services.functions.dataService(app, "mongodb-atlas");
  assert.ok(service, "functions-app has a mongodb-atlas service");
  return service.collection("app", name);
}

export interface Session {
  access_token: string;
  refresh_token: string;
  user_id: string;
  device_id: string;
}

/** `${api}/app/functions-app/...` */
export function appRoute(server: TestServer, sub: string): string {
  return `${server.api}/app/${APP}/${sub}`;
}

/** `${api}/app/functions-app/auth/providers/local-userpass/...` */
export function userpassRoute(server: TestServer, sub: string): string {
  return appRoute(server, `auth/providers/local-userpass/${sub}`);
}

/** Logs in with a provider; asserts 200 and returns the session. */
export async function login(server: TestServer, provider: string, body: unknown = {}): Promise<Session> {
  const res = await call(appRoute(server, `auth/providers/${provider}/login`), { body });
  assert.equal(res.status, 200, `login ${provider}: ${res.text}`);
  return res.body as Session;
}

export const anonLogin = (server: TestServer) => login(server, "anon-user");

/** POST functions/call with a canonical EJSON body, as realm-web sends it. */
export async function callFunction(
  server: TestServer,
  token: string,
  name: string,
  args: unknown[] = [],
  extra: Record<string, unknown> = {},
) {
  const res = await call(appRoute(server, "functions/call"), {
    token,
    body: EJSON.stringify({ name, arguments: args, ...extra }, { relaxed: false }),
  });
  return { ...res, value: res.status === 200 ? EJSON.parse(res.text, { relaxed: false }) : undefined };
}

/** Calls a function that must succeed; returns the decoded (canonical EJSON) result. */
export async function callOk(server: TestServer, token: string, name: string, args: unknown[] = []): Promise<any> {
  const res = await callFunction(server, token, name, args);
  assert.equal(res.status, 200, `${name}: ${res.text}`);
  return res.value;
}

/** Asserts an error response: status, exact `application/json` content type, code, message. */
export function assertError(
  res: { status: number; headers: Headers; body: any; text: string },
  expected: { status: number; code: string; error?: string | RegExp },
): void {
  assert.equal(res.status, expected.status, res.text);
  assert.equal(res.headers.get("content-type"), "application/json");
  assert.equal(res.body.error_code, expected.code, res.text);
  if (typeof expected.error === "string") assert.equal(res.body.error, expected.error);
  else if (expected.error) assert.match(res.body.error, expected.error);
}

/** The payload of a JWT, unverified. */
export const claims = (token: string) => jwtClaims(token);

export { until } from "../helpers/until.js";
