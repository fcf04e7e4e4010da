/** Admin API authentication (PROTOCOL.md §11.1): operator-key login, admin sessions, token separation. */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { call, jwtClaims, secondApp, todoApp } from "../helpers/server.js";
import { anonUser, assertError, startAdminServer, type AdminTestServer } from "./helpers.js";

const LOGIN = "/auth/providers/mongodb-cloud/login";

describe("admin API authentication", () => {
  let server: AdminTestServer;
  before(async () => {
    server = await startAdminServer({ apps: [todoApp, secondApp] });
  });
  after(() => server.close());

  it("logs in with {username, apiKey}: 200 and the four fields; the profile names the group in roles[0]", async () => {
    const res = await server.adminCall(LOGIN, { body: { username: server.key.username, apiKey: server.key.apiKey }, token: null });
    assert.equal(res.status, 200);
    assert.deepEqual(Object.keys(res.body).sort(), ["access_token", "device_id", "refresh_token", "user_id"]);
    assert.match(res.body.user_id, /^[0-9a-f]{24}$/);
    const access = jwtClaims(res.body.access_token);
    assert.equal(access.typ, "admin-access");
    assert.equal(access.aud, "gatehouse-admin");
    assert.equal(jwtClaims(res.body.refresh_token).typ, "admin-refresh");
    const profile = await server.adminCall("/auth/profile", { token: res.body.access_token });
    assert.equal(profile.status, 200);
    assert.equal(profile.body.roles[0].group_id, server.groupId);
    assert.equal(profile.body.user_id, res.body.user_id);
    assert.equal(profile.body.data.name, "test-operator");
  });

  it("refuses a wrong private key and an unknown username alike (401 AuthError), and audits both", async () => {
    const wrong = await server.adminCall(LOGIN, { body: { username: server.key.username, apiKey: "0000-wrong" }, token: null });
    assertError(wrong, 401, "AuthError", "adminKeyInvalid");
    const unknown = await server.adminCall(LOGIN, { body: { username: "nobodyxx", apiKey: server.key.apiKey }, token: null });
    assertError(unknown, 401, "AuthError", "adminKeyInvalid");
    assert.equal(wrong.body.error, unknown.body.error);
    const events = await server.listAuditEvents({ clientAppId: ":admin", type: "admin_login" });
    assert.ok(events.some((e) => e.result === "AuthError" && e.detail === server.key.username));
    assert.ok(events.some((e) => e.result === "ok" && e.actor === "test-operator"));
  });

  it("validates the login body by schema: missing and non-string fields are 400", async () => {
    assertError(await server.adminCall(LOGIN, { body: { username: server.key.username }, token: null }), 400, "MissingParameter");
    assertError(await server.adminCall(LOGIN, { body: { username: 5, apiKey: "x" }, token: null }), 400, "InvalidParameter");
    assertError(await server.adminCall(LOGIN, { body: "[1]", token: null }), 400, "InvalidParameter");
  });

  it("refreshes with the refresh token (201) and refuses the access token there", async () => {
    const refreshed = await server.adminCall("/auth/session", { method: "POST", token: server.session.refresh_token });
    assert.equal(refreshed.status, 201);
    assert.equal((await server.adminCall("/auth/profile", { token: refreshed.body.access_token })).status, 200);
    const wrongType = await server.adminCall("/auth/session", { method: "POST", token: server.session.access_token });
    assertError(wrongType, 401, "InvalidSession");
    assert.equal(wrongType.body.error, "invalid refresh token: incorrect token type");
  });

  it("logout (204) ends the session: its refresh and access tokens stop working", async () => {
    const login = await server.adminCall(LOGIN, { body: { username: server.key.username, apiKey: server.key.apiKey }, token: null });
    assert.equal((await server.adminCall("/auth/session", { method: "DELETE", token: login.body.refresh_token })).status, 204);
    assertError(await server.adminCall("/auth/session", { method: "POST", token: login.body.refresh_token }), 401, "InvalidSession");
    assertError(await server.adminCall("/auth/profile", { token: login.body.access_token }), 401, "InvalidSession");
    const again = await server.adminCall("/auth/session", { method: "DELETE", token: login.body.refresh_token });
    assertError(again, 401, "InvalidSession");
    assert.equal(again.body.error, "invalid session: failed to find refresh token");
  });

  it("an admin access token expires after 30 minutes", async () => {
    const login = await server.adminCall(LOGIN, { body: { username: server.key.username, apiKey: server.key.apiKey }, token: null });
    server.clock.advance(31 * 60 * 1000);
    try {
      assertError(await server.adminCall("/auth/profile", { token: login.body.access_token }), 401, "InvalidSession");
      assertError(await server.adminCall(`/groups/${server.groupId}/apps`, { token: login.body.access_token }), 401, "InvalidSession");
      const refreshed = await server.adminCall("/auth/session", { method: "POST", token: login.body.refresh_token });
      assert.equal(refreshed.status, 201);
    } finally {
      server.clock.advance(-31 * 60 * 1000);
    }
  });

  it("client tokens never work on admin routes (401), admin tokens never on client routes (401)", async () => {
    const client = await anonUser(server, "todo-gatehouse");
    for (const token of [client.access_token, client.refresh_token]) {
      assertError(await server.adminCall("/auth/profile", { token }), 401, "InvalidSession", "adminTokenInvalid");
      assertError(await server.adminCall("/auth/session", { method: "POST", token }), 401, "InvalidSession", "adminTokenInvalid");
      assertError(await server.adminCall(`/groups/${server.groupId}/apps`, { token }), 401, "InvalidSession");
      assertError(await server.adminCall(server.appPath("todo-gatehouse", "/users"), { token }), 401, "InvalidSession");
    }
    for (const token of [server.session.access_token, server.session.refresh_token]) {
      assertError(await call(`${server.api}/auth/profile`, { token }), 401, "InvalidSession", "tokenAppUnknown");
      assertError(await call(`${server.api}/auth/session`, { method: "POST", token }), 401, "InvalidSession");
      assertError(await call(`${server.api}/auth/api_keys`, { token }), 401, "InvalidSession");
      const fn = await call(`${server.api}/app/todo-gatehouse/functions/call`, { token, body: { name: "x", arguments: [] } });
      assertError(fn, 401, "InvalidSession");
    }
  });

  it("admin routes without a token, or with garbage, are 401", async () => {
    assertError(await server.adminCall("/auth/profile", { token: null }), 401, "MissingAuthReq");
    assertError(await server.adminCall(server.appPath("todo-gatehouse", "/users"), { token: null }), 401, "MissingAuthReq");
    assertError(await server.adminCall("/auth/profile", { token: "a.b.c" }), 401, "InvalidSession");
  });

  it("deleting the operator key ends its sessions at once", async () => {
    const key = await server.services.admin.keys.create("short-lived");
    const login = await server.adminCall(LOGIN, { body: { username: key.username, apiKey: key.apiKey }, token: null });
    assert.equal((await server.adminCall("/auth/profile", { token: login.body.access_token })).status, 200);
    await server.services.admin.keys.delete(key.username);
    assertError(await server.adminCall("/auth/profile", { token: login.body.access_token }), 401, "InvalidSession");
    assertError(
      await server.adminCall(LOGIN, { body: { username: key.username, apiKey: key.apiKey }, token: null }),
      401,
      "AuthError",
      "adminKeyInvalid",
    );
  });
});

describe("admin login rate limit", () => {
  let server: AdminTestServer;
  before(async () => {
    server = await startAdminServer({ config: { rateLimits: { enabled: true, perAccount: 3, perIp: 100 } } });
  });
  after(() => server.close());

  it("answers 429 with retry-after once a username has too many attempts in the window", async () => {
    // Move to the start of a fresh window, so the count cannot straddle a boundary.
    const windowMs = 60_000;
    server.clock.advance(windowMs - (server.clock.now() % windowMs) + 100);
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) {
      const res = await server.adminCall(LOGIN, { body: { username: server.key.username, apiKey: "wrong" }, token: null });
      statuses.push(res.status);
      if (res.status === 429) assert.ok(Number(res.headers.get("retry-after")) > 0);
    }
    assert.deepEqual(statuses, [401, 401, 401, 429]);
  });

  it("counts only failures per username: logging in again and again (the CLI does, per command) is never refused", async () => {
    const key = await server.services.admin.keys.create("busy-cli");
    for (let i = 0; i < 8; i++) {
      const res = await server.adminCall(LOGIN, { body: { username: key.username, apiKey: key.apiKey }, token: null });
      assert.equal(res.status, 200, `login ${i + 1}`);
    }
  });
});
