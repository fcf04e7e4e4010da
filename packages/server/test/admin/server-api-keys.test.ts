/** Server API keys (`/api_keys`, PROTOCOL.md §11.3): shown once, ≤ 100 per app, log in as `server` users. */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { call, keysApp, todoApp } from "../helpers/server.js";
import { assertError, startAdminServer, type AdminTestServer } from "./helpers.js";

describe("admin server API keys", () => {
  let server: AdminTestServer;
  before(async () => {
    server = await startAdminServer({ apps: [keysApp, todoApp] });
  });
  after(() => server.close());

  const keys = (path = "", init: { method?: string; body?: unknown; token?: string | null } = {}, app = "keys-app") =>
    server.adminCall(server.appPath(app, `/api_keys${path}`), init);
  const keyLogin = (key: string) => call(`${server.api}/app/keys-app/auth/providers/api-key/login`, { body: { key } });

  it("creates a key (201, the secret once), lists and gets it without the secret", async () => {
    const created = await keys("", { body: { name: "backend" } });
    assert.equal(created.status, 201, created.text);
    assert.deepEqual(Object.keys(created.body).sort(), ["_id", "disabled", "key", "name"]);
    assert.equal(created.body.disabled, false);
    const list = await keys();
    assert.deepEqual(list.body, [{ _id: created.body._id, name: "backend", disabled: false }]);
    assert.deepEqual((await keys(`/${created.body._id}`)).body, { _id: created.body._id, name: "backend", disabled: false });
    assertError(await keys("", { body: { name: "backend" } }), 409, "APIKeyAlreadyExists");
    assertError(await keys("", { body: { name: "bad name!" } }), 400, "InvalidParameter", "apiKeyNameInvalid");
    assertError(await keys("", { body: {} }), 400, "MissingParameter");
  });

  it("logs in through api-key as a user of type server", async () => {
    const { key, _id } = (await keys("", { body: { name: "worker" } })).body;
    const login = await keyLogin(key);
    assert.equal(login.status, 200, login.text);
    const profile = await call(`${server.api}/auth/profile`, { token: login.body.access_token });
    assert.equal(profile.body.type, "server");
    assert.deepEqual(
      profile.body.identities.map((i: any) => [i.provider_type, i.id]),
      [["api-key", _id]],
    );
    const user = await server.adminCall(server.appPath("keys-app", `/users/${login.body.user_id}`));
    assert.equal(user.body.type, "server");
    assert.equal((await keyLogin(key)).body.user_id, login.body.user_id, "the same user every time");
  });

  it("disable refuses the key and ends its sessions at once; enable restores it; delete removes its user", async () => {
    const { key, _id } = (await keys("", { body: { name: "rotating" } })).body;
    const login = await keyLogin(key);
    assert.equal((await keys(`/${_id}/disable`, { method: "PUT" })).status, 204);
    assertError(await keyLogin(key), 401, "AuthError", "invalidApiKey");
    assertError(await call(`${server.api}/auth/profile`, { token: login.body.access_token }), 401, "InvalidSession");
    assert.equal((await keys(`/${_id}`)).body.disabled, true);
    assert.equal((await keys(`/${_id}/enable`, { method: "PUT" })).status, 204);
    assert.equal((await keyLogin(key)).status, 200);
    assert.equal((await keys(`/${_id}`, { method: "DELETE" })).status, 204);
    assertError(await keyLogin(key), 401, "AuthError");
    assertError(await keys(`/${_id}`), 404, "APIKeyNotFound");
    assertError(await server.adminCall(server.appPath("keys-app", `/users/${login.body.user_id}`)), 404, "UserNotFound");
  });

  it("unknown and malformed ids, another app's key, no token", async () => {
    const { _id } = (await keys("", { body: { name: "mine" } })).body;
    assertError(await keys(`/${_id}`, {}, "todo-gatehouse"), 404, "APIKeyNotFound");
    assertError(await keys(`/${"0".repeat(24)}`), 404, "APIKeyNotFound");
    assertError(await keys("/nope", { method: "DELETE" }), 400, "InvalidParameter");
    assertError(await keys(`/${"0".repeat(24)}/enable`, { method: "PUT" }), 404, "APIKeyNotFound");
    assertError(await keys("", { token: null }), 401, "MissingAuthReq");
    // A user's own API key is not a server key.
    const reg = await call(`${server.api}/app/keys-app/auth/providers/local-userpass/register`, {
      body: { email: "own@example.com", password: "secret-pw" },
    });
    assert.equal(reg.status, 201);
    const owner = await call(`${server.api}/app/keys-app/auth/providers/local-userpass/login`, {
      body: { username: "own@example.com", password: "secret-pw" },
    });
    const userKey = await call(`${server.api}/auth/api_keys`, { token: owner.body.refresh_token, body: { name: "personal" } });
    assertError(await keys(`/${userKey.body._id}`), 404, "APIKeyNotFound");
  });

  it("allows at most 100 per app", async () => {
    const existing = (await keys()).body.length;
    for (let i = existing; i < 100; i++) assert.equal((await keys("", { body: { name: `bulk-${i}` } })).status, 201);
    assertError(await keys("", { body: { name: "one-too-many" } }), 400, "BadRequest", "serverApiKeyLimit");
  });
});
