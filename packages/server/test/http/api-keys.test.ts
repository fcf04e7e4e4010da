import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { keysApp, call, startTestServer, type TestServer } from "../helpers/server.js";

describe("user API keys (PROTOCOL.md §9)", () => {
  let server: TestServer;
  let n = 0;
  before(async () => {
    server = await startTestServer({ apps: [keysApp] });
  });
  after(() => server.close());

  const provider = (sub: string) => `${server.api}/app/keys-app/auth/providers/${sub}`;
  async function owner() {
    const email = `owner${++n}@example.com`;
    await call(provider("local-userpass/register"), { body: { email, password: "secret1" } });
    return (await call(provider("local-userpass/login"), { body: { username: email, password: "secret1" } })).body;
  }
  const keys = (token: string, path = "", init: { method?: string; body?: unknown } = {}) =>
    call(`${server.api}/auth/api_keys${path}`, { token, ...init });

  it("creates a key (201, the secret once), lists and fetches it without the secret", async () => {
    const user = await owner();
    const created = await keys(user.refresh_token, "", { body: { name: "ci_key-1" } });
    assert.equal(created.status, 201);
    assert.match(created.body._id, /^[0-9a-f]{24}$/);
    assert.equal(created.body.name, "ci_key-1");
    assert.equal(created.body.disabled, false);
    assert.ok(created.body.key.length >= 32);
    const list = await keys(user.refresh_token);
    assert.equal(list.status, 200);
    assert.deepEqual(list.body, [{ _id: created.body._id, name: "ci_key-1", disabled: false }]);
    const one = await keys(user.refresh_token, `/${created.body._id}`);
    assert.deepEqual(one.body, { _id: created.body._id, name: "ci_key-1", disabled: false });
  });

  it("logs in with a key as its owner and adds an api-key identity", async () => {
    const user = await owner();
    const { key, _id } = (await keys(user.refresh_token, "", { body: { name: "login" } })).body;
    const login = await call(provider("api-key/login"), { body: { key } });
    assert.equal(login.status, 200);
    assert.equal(login.body.user_id, user.user_id);
    const profile = await call(`${server.api}/auth/profile`, { token: login.body.access_token });
    const apiIdentity = profile.body.identities.find((i: any) => i.provider_type === "api-key");
    assert.equal(apiIdentity.id, _id);
    const again = await call(provider("api-key/login"), { body: { key } });
    assert.equal(again.body.user_id, user.user_id);
  });

  it("refuses disabled, deleted, wrong and foreign keys with 401 AuthError 'invalid API key'", async () => {
    const user = await owner();
    const { key, _id } = (await keys(user.refresh_token, "", { body: { name: "k" } })).body;
    assert.equal((await keys(user.refresh_token, `/${_id}/disable`, { method: "PUT" })).status, 204);
    assert.equal((await keys(user.refresh_token, `/${_id}`)).body.disabled, true);
    const disabled = await call(provider("api-key/login"), { body: { key } });
    assert.equal(disabled.status, 401);
    assert.equal(disabled.body.error_code, "AuthError");
    assert.equal(disabled.body.reason, "invalidApiKey");
    assert.equal(disabled.body.error, "invalid API key");
    assert.equal((await keys(user.refresh_token, `/${_id}/enable`, { method: "PUT" })).status, 204);
    assert.equal((await call(provider("api-key/login"), { body: { key } })).status, 200);
    assert.equal((await keys(user.refresh_token, `/${_id}`, { method: "DELETE" })).status, 204);
    assert.equal((await call(provider("api-key/login"), { body: { key } })).status, 401);
    assert.equal((await call(provider("api-key/login"), { body: { key: "x".repeat(64) } })).status, 401);
    const missing = await call(provider("api-key/login"), { body: {} });
    assert.equal(missing.status, 400);
  });

  it("validates names, refuses duplicates and a 21st key", async () => {
    const user = await owner();
    const bad = await keys(user.refresh_token, "", { body: { name: "has space" } });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.error_code, "InvalidParameter");
    assert.equal(bad.body.reason, "apiKeyNameInvalid");
    const none = await keys(user.refresh_token, "", { body: {} });
    assert.equal(none.status, 400);
    assert.equal(none.body.error_code, "MissingParameter");
    await keys(user.refresh_token, "", { body: { name: "dup" } });
    const dup = await keys(user.refresh_token, "", { body: { name: "dup" } });
    assert.equal(dup.status, 409);
    assert.equal(dup.body.error_code, "APIKeyAlreadyExists");
    assert.equal(dup.body.reason, "apiKeyAlreadyExists");
    for (let i = 0; i < 19; i++) assert.equal((await keys(user.refresh_token, "", { body: { name: `k${i}` } })).status, 201);
    const over = await keys(user.refresh_token, "", { body: { name: "one-too-many" } });
    assert.equal(over.status, 400);
    assert.equal(over.body.reason, "apiKeyLimit");
  });

  it("keeps keys per user: another user's key is not found; deleting an unknown id is a silent success", async () => {
    const a = await owner();
    const b = await owner();
    const { _id } = (await keys(a.refresh_token, "", { body: { name: "mine" } })).body;
    const foreign = await keys(b.refresh_token, `/${_id}`);
    assert.equal(foreign.status, 404);
    assert.equal(foreign.body.error_code, "APIKeyNotFound");
    assert.equal(foreign.body.reason, "apiKeyNotFound");
    assert.equal((await keys(b.refresh_token, `/${_id}/disable`, { method: "PUT" })).status, 404);
    assert.equal((await keys(b.refresh_token, `/${_id}`, { method: "DELETE" })).status, 204);
    assert.equal((await keys(a.refresh_token, `/${_id}`)).status, 200, "b's delete did not touch a's key");
    assert.equal((await keys(a.refresh_token, "/65f0000000000000000000ff", { method: "DELETE" })).status, 204);
  });

  it("authenticates with the refresh token only, and refuses anonymous users", async () => {
    const user = await owner();
    const withAccess = await keys(user.access_token);
    assert.equal(withAccess.status, 401);
    assert.equal(withAccess.body.error_code, "InvalidSession");
    const noToken = await call(`${server.api}/auth/api_keys`);
    assert.equal(noToken.status, 401);
    const anon = (await call(provider("anon-user/login"), { body: {} })).body;
    const refused = await keys(anon.refresh_token, "", { body: { name: "anon" } });
    // 403 as App Services answered (a refresh cannot help, so not 401).
    assert.equal(refused.status, 403);
    assert.equal(refused.body.reason, "apiKeyAnonymousUser");
    await call(`${server.api}/auth/session`, { method: "DELETE", token: user.refresh_token });
    assert.equal((await keys(user.refresh_token)).status, 401);
  });

  it("deleting the owner deletes its keys", async () => {
    const user = await owner();
    const { key } = (await keys(user.refresh_token, "", { body: { name: "gone" } })).body;
    await call(`${server.api}/auth/delete`, { method: "DELETE", token: user.access_token });
    assert.equal((await call(provider("api-key/login"), { body: { key } })).status, 401);
  });
});
