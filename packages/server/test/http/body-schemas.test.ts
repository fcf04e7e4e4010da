/**
 * Request bodies are validated by each route's JSON schema: a missing field is 400 `MissingParameter`,
 * a field of the wrong type (an EJSON number where a string belongs, too) or size `InvalidParameter`, a
 * body that is not an object `bodyNotObject` — on every client route that takes a body. The app and the
 * caller are settled first: an unknown app is 404 and an anonymous function call 401 whatever the body.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { functionsApp } from "../functions-http/helpers.js";
import { call, keysApp, startTestServer, todoApp, type TestServer } from "../helpers/server.js";

let server: TestServer;
let access: string;
let refresh: string;
before(async () => {
  server = await startTestServer({ apps: [todoApp, functionsApp, keysApp] });
  const login = await call(`${server.api}/app/keys-app/auth/providers/local-userpass/register`, {
    body: { email: "schemas@example.com", password: "secret1" },
  });
  assert.equal(login.status, 201);
  const session = await call(`${server.api}/app/keys-app/auth/providers/local-userpass/login`, {
    body: { username: "schemas@example.com", password: "secret1" },
  });
  access = session.body.access_token;
  refresh = session.body.refresh_token;
});
after(() => server.close());

const userpass = (app: string, path: string) => `/app/${app}/auth/providers/local-userpass/${path}`;

/** Every client route with a body: a valid body, and the token it needs. */
const ROUTES: { name: string; path: string; valid: Record<string, unknown>; token?: () => string }[] = [
  { name: "login (local-userpass)", path: userpass("todo-gatehouse", "login"), valid: { username: "a@example.com", password: "secret1" } },
  { name: "login (api-key)", path: "/app/keys-app/auth/providers/api-key/login", valid: { key: "k".repeat(64) } },
  { name: "register", path: userpass("todo-gatehouse", "register"), valid: { email: "a@example.com", password: "secret1" } },
  { name: "confirm", path: userpass("todo-gatehouse", "confirm"), valid: { token: "t", tokenId: "i" } },
  { name: "confirm/send", path: userpass("todo-gatehouse", "confirm/send"), valid: { email: "a@example.com" } },
  { name: "confirm/call", path: userpass("functions-app", "confirm/call"), valid: { email: "a@example.com" } },
  { name: "reset/send", path: userpass("todo-gatehouse", "reset/send"), valid: { email: "a@example.com" } },
  { name: "reset", path: userpass("todo-gatehouse", "reset"), valid: { token: "t", tokenId: "i", password: "secret2" } },
  { name: "reset/call", path: userpass("functions-app", "reset/call"), valid: { email: "a@example.com", password: "secret2" } },
  { name: "functions/call", path: "/app/keys-app/functions/call", valid: { name: "sum", arguments: [] }, token: () => access },
  { name: "api_keys create", path: "/auth/api_keys", valid: { name: "key-one" }, token: () => refresh },
];

describe("route schemas", () => {
  for (const route of ROUTES) {
    it(`${route.name}: missing, mistyped, oversized and non-object bodies`, async () => {
      const send = (body: unknown) => call(`${server.api}${route.path}`, { body, ...(route.token ? { token: route.token() } : {}) });
      const [first, ...others] = Object.keys(route.valid);
      const missing = await send(Object.fromEntries(others.map((k) => [k, route.valid[k]])));
      assert.deepEqual([missing.status, missing.body.error_code, missing.body.reason], [400, "MissingParameter", "missingParameter"]);
      assert.equal(missing.body.error, `'${first}' is required`);

      const mistyped = await send({ ...route.valid, [first!]: { $numberInt: "7" } });
      assert.deepEqual([mistyped.status, mistyped.body.error_code, mistyped.body.reason], [400, "InvalidParameter", "invalidParameter"]);
      assert.equal(mistyped.body.error, `'${first}' must be a string`);

      const oversized = await send({ ...route.valid, [first!]: "x".repeat(1500) });
      assert.deepEqual([oversized.status, oversized.body.error_code], [400, "InvalidParameter"]);
      assert.equal(oversized.body.error, `'${first}' is too long`);

      for (const notObject of [[], "text", 7, null]) {
        const res = await send(notObject === "text" ? JSON.stringify("text") : notObject);
        assert.deepEqual(
          [res.status, res.body.error_code, res.body.reason],
          [400, "InvalidParameter", "bodyNotObject"],
          JSON.stringify(notObject),
        );
      }
    });
  }

  it("an `arguments` that is not an array is InvalidParameter on functions/call and reset/call", async () => {
    for (const [path, body, token] of [
      ["/app/keys-app/functions/call", { name: "sum", arguments: { 0: 1 } }, access],
      [userpass("functions-app", "reset/call"), { email: "a@example.com", password: "secret2", arguments: "x" }, undefined],
    ] as const) {
      const res = await call(`${server.api}${path}`, { body, ...(token ? { token } : {}) });
      assert.deepEqual([res.status, res.body.error_code, res.body.error], [400, "InvalidParameter", "'arguments' must be an array"]);
    }
  });

  it("the streaming function call's baas_request is held to the same schema", async () => {
    const request = Buffer.from(JSON.stringify({ arguments: [] })).toString("base64");
    const res = await call(`${server.api}/app/keys-app/functions/call?baas_request=${encodeURIComponent(request)}`, { token: access });
    assert.deepEqual([res.status, res.body.error_code, res.body.error], [400, "MissingParameter", "'name' is required"]);
  });

  it("an empty body is an empty object (as before schemas): anonymous login works, a register misses its fields", async () => {
    const anon = await call(`${server.api}/app/todo-gatehouse/auth/providers/anon-user/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
    });
    assert.equal(anon.status, 200);
    const register = await call(`${server.api}${userpass("todo-gatehouse", "register")}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
    });
    assert.deepEqual([register.status, register.body.error_code], [400, "MissingParameter"]);
  });

  it("settles the app and the caller before the body: 404 for an unknown app, 401 for a call without a token", async () => {
    for (const body of [[], 7]) {
      const unknownApp = await call(`${server.api}${userpass("no-such-app", "register")}`, { body });
      assert.deepEqual([unknownApp.status, unknownApp.body.reason], [404, "appNotFound"]);
    }
    const anonymousCall = await call(`${server.api}/app/keys-app/functions/call`, { body: {} });
    assert.deepEqual([anonymousCall.status, anonymousCall.body.error_code], [401, "MissingAuthReq"]);
    const anonymousKey = await call(`${server.api}/auth/api_keys`, { body: {} });
    assert.deepEqual([anonymousKey.status, anonymousKey.body.error_code], [401, "MissingAuthReq"]);
  });
});
