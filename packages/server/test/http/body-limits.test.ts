import assert from "node:assert/strict";
import { after, before, it } from "node:test";
import { call, startTestServer, type TestServer } from "../helpers/server.js";

let server: TestServer;
let access: string;
before(async () => {
  server = await startTestServer();
  access = (await call(`${server.api}/app/todo-gatehouse/auth/providers/anon-user/login`, { body: {} })).body.access_token;
});
after(() => server.close());

const userpass = (sub: string) => `${server.api}/app/todo-gatehouse/auth/providers/local-userpass/${sub}`;
const padded = (fields: Record<string, unknown>, bytes: number) => JSON.stringify({ ...fields, pad: "x".repeat(bytes) });

async function assertTooLarge(url: string, body: string, token?: string) {
  const res = await call(url, { body, ...(token ? { token } : {}) });
  assert.equal(res.status, 413, url);
  assert.equal(res.body.error_code, "BadRequest");
  assert.equal(res.body.reason, "bodyTooLarge");
}

it("credential routes take a few KB", async () => {
  await assertTooLarge(userpass("register"), padded({ email: "big@example.com", password: "secret1" }, 5000));
  await assertTooLarge(userpass("reset/send"), padded({ email: "big@example.com" }, 5000));
  await assertTooLarge(`${server.api}/auth/api_keys`, padded({ name: "k" }, 5000));
  assert.equal((await call(userpass("register"), { body: padded({ email: "ok@example.com", password: "secret1" }, 3000) })).status, 201);
});

it("logins take 16 KB (custom-function credentials, device information)", async () => {
  const login = `${server.api}/app/todo-gatehouse/auth/providers/anon-user/login`;
  await assertTooLarge(login, padded({}, 17_000));
  assert.equal((await call(login, { body: padded({ options: { device: { platform: "node" } } }, 12_000) })).status, 200);
});

it("function calls take 1 MB of arguments", async () => {
  const url = `${server.api}/app/todo-gatehouse/functions/call`;
  const res = await call(url, { body: JSON.stringify({ name: "nope", arguments: ["x".repeat(900_000)] }), token: access });
  assert.notEqual(res.status, 413);
  await assertTooLarge(url, JSON.stringify({ name: "nope", arguments: ["x".repeat(1_100_000)] }), access);
});
