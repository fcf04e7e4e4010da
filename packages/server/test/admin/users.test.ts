/** Admin API users routes (PROTOCOL.md §11.2) with their negative cases. */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { call, keysApp, secondApp, todoApp } from "../helpers/server.js";
import { anonUser, assertError, startAdminServer, userpassUser, type AdminTestServer } from "./helpers.js";

const TODO = "todo-gatehouse";
const UNKNOWN = "0123456789abcdef01234567";

describe("admin users", () => {
  let server: AdminTestServer;
  let n = 0;
  const email = () => `user${++n}@example.com`;
  const users = (path = "", init: { method?: string; body?: unknown; token?: string | null } = {}) =>
    server.adminCall(server.appPath(TODO, `/users${path}`), init);

  before(async () => {
    server = await startAdminServer({ apps: [todoApp, secondApp, keysApp] });
  });
  after(() => server.close());

  it("gets a user as the App Services User object, dates in seconds", async () => {
    const before = Math.floor(server.clock.now() / 1000);
    const address = email();
    const session = await userpassUser(server, TODO, address);
    const res = await users(`/${session.user_id}`);
    assert.equal(res.status, 200);
    const user = res.body;
    assert.equal(user._id, session.user_id);
    assert.match(user.domain_id, /^[0-9a-f]{24}$/);
    assert.equal(user.type, "normal");
    assert.equal(user.disabled, false);
    assert.deepEqual(user.data, { email: address });
    assert.equal(user.identities.length, 1);
    assert.equal(user.identities[0].provider_type, "local-userpass");
    assert.deepEqual(user.identities[0].provider_data, { email: address });
    for (const field of ["creation_date", "last_authentication_date", "sessions_valid_since"]) {
      assert.ok(Number.isInteger(user[field]) && user[field] >= before - 1 && user[field] < before + 60, `${field} in seconds`);
    }
  });

  it("creates a confirmed email/password user (201) who can log in at once; a taken email is 409", async () => {
    const address = email();
    const created = await users("", { body: { email: address, password: "pw-123456" } });
    assert.equal(created.status, 201, created.text);
    assert.equal(created.body.identities[0].provider_type, "local-userpass");
    assert.equal(created.body.last_authentication_date, 0);
    const login = await call(`${server.api}/app/${TODO}/auth/providers/local-userpass/login`, {
      body: { username: address, password: "pw-123456" },
    });
    assert.equal(login.status, 200, login.text);
    assert.equal(login.body.user_id, created.body._id);
    assertError(await users("", { body: { email: address, password: "pw-123456" } }), 409, "AccountNameInUse");
    const events = await server.listAuditEvents({ clientAppId: TODO, type: "user_created", userId: created.body._id });
    assert.equal(events[0]?.actor, "test-operator");
  });

  it("refuses bad create bodies: missing fields, short password, bad email", async () => {
    assertError(await users("", { body: { email: email() } }), 400, "MissingParameter");
    assertError(await users("", { body: { email: email(), password: "short" } }), 400, "BadRequest", "passwordLength");
    assertError(await users("", { body: { email: "not-an-email", password: "long-enough" } }), 400, "InvalidParameter", "emailInvalid");
    assertError(await users("", { body: { email: 7, password: "long-enough" } }), 400, "InvalidParameter");
  });

  it("unknown users are 404 UserNotFound and malformed ids 400 InvalidParameter on every user route", async () => {
    const routes: [string, string, unknown?][] = [
      ["GET", ""],
      ["DELETE", ""],
      ["PUT", "/enable"],
      ["PUT", "/disable"],
      ["PUT", "/logout"],
      ["GET", "/devices"],
      ["PATCH", "/reset_email", { email: "x@example.com" }],
    ];
    for (const [method, sub, body] of routes) {
      assertError(await users(`/${UNKNOWN}${sub}`, { method, body }), 404, "UserNotFound", "userNotFound");
      assertError(await users(`/not.an.id${sub}`, { method, body }), 400, "InvalidParameter", "invalidParameter");
      assertError(await users(`/${UNKNOWN}${sub}`, { method, body, token: null }), 401, "MissingAuthReq");
      const wrongGroup = await server.adminCall(`/groups/${UNKNOWN}/apps/${TODO}/users/${UNKNOWN}${sub}`, { method, body });
      assertError(wrongGroup, 404, "NotFound", "groupNotFound");
      const unknownApp = await server.adminCall(`/groups/${server.groupId}/apps/nope/users/${UNKNOWN}${sub}`, { method, body });
      assertError(unknownApp, 404, "AppNotFound", "adminAppNotFound");
    }
  });

  it("a user of another app is not found through this app", async () => {
    const other = await anonUser(server, "second-app");
    assertError(await users(`/${other.user_id}`), 404, "UserNotFound", "userNotFound");
    assertError(await users(`/${other.user_id}`, { method: "DELETE" }), 404, "UserNotFound", "userNotFound");
    assert.equal((await server.adminCall(server.appPath("second-app", `/users/${other.user_id}`))).status, 200);
  });

  it("disable refuses the user's access token at once, then its refresh and its login; enable lets it log in again", async () => {
    const address = email();
    const session = await userpassUser(server, TODO, address);
    assert.equal((await call(`${server.api}/auth/profile`, { token: session.access_token })).status, 200);
    assert.equal((await users(`/${session.user_id}/disable`, { method: "PUT" })).status, 204);
    assertError(await call(`${server.api}/auth/profile`, { token: session.access_token }), 401, "InvalidSession");
    assertError(await call(`${server.api}/auth/session`, { method: "POST", token: session.refresh_token }), 401, "InvalidSession");
    const login = await call(`${server.api}/app/${TODO}/auth/providers/local-userpass/login`, {
      body: { username: address, password: "secret-pw" },
    });
    assertError(login, 401, "UserDisabled");
    assert.equal((await users(`/${session.user_id}`)).body.disabled, true);
    assert.equal((await users(`/${session.user_id}/enable`, { method: "PUT" })).status, 204);
    assertError(await call(`${server.api}/auth/profile`, { token: session.access_token }), 401, "InvalidSession");
    const again = await call(`${server.api}/app/${TODO}/auth/providers/local-userpass/login`, {
      body: { username: address, password: "secret-pw" },
    });
    assert.equal(again.status, 200);
    const events = await server.listAuditEvents({ clientAppId: TODO, userId: session.user_id });
    assert.deepEqual(
      events.filter((e) => e.type === "disable" || e.type === "enable").map((e) => [e.type, e.actor]),
      [
        ["disable", "test-operator"],
        ["enable", "test-operator"],
      ],
    );
  });

  it("logout ends every session (access tokens too) without disabling", async () => {
    const session = await anonUser(server, TODO);
    assert.equal((await users(`/${session.user_id}/logout`, { method: "PUT" })).status, 204);
    assertError(await call(`${server.api}/auth/profile`, { token: session.access_token }), 401, "InvalidSession");
    assertError(await call(`${server.api}/auth/session`, { method: "POST", token: session.refresh_token }), 401, "InvalidSession");
    assert.equal((await users(`/${session.user_id}`)).body.disabled, false);
  });

  it("lists a user's devices", async () => {
    const session = await anonUser(server, TODO);
    const res = await users(`/${session.user_id}/devices`);
    assert.equal(res.status, 200);
    assert.equal(res.body.length, 1);
    assert.equal(res.body[0]._id, session.device_id);
    assert.equal(res.body[0].info.platform, "node");
    assert.ok(Number.isInteger(res.body[0].creation_date));
  });

  it("deletes a user (204): its tokens stop working, its email can register again; audited with the operator", async () => {
    const address = email();
    const session = await userpassUser(server, TODO, address);
    assert.equal((await users(`/${session.user_id}`, { method: "DELETE" })).status, 204);
    assertError(await users(`/${session.user_id}`), 404, "UserNotFound", "userNotFound");
    assertError(await call(`${server.api}/auth/profile`, { token: session.access_token }), 401, "InvalidSession");
    const reg = await call(`${server.api}/app/${TODO}/auth/providers/local-userpass/register`, {
      body: { email: address, password: "secret-pw" },
    });
    assert.equal(reg.status, 201);
    const [event] = await server.listAuditEvents({ clientAppId: TODO, type: "delete", userId: session.user_id });
    assert.equal(event?.actor, "test-operator");
  });

  it("verify_token: the claims of a valid token, 'token expired' for an expired one, 401 for another app's", async () => {
    const session = await anonUser(server, TODO);
    const ok = await users("/verify_token", { body: { token: session.access_token } });
    assert.equal(ok.status, 200);
    assert.equal(ok.body.sub, session.user_id);
    assert.equal(ok.body.device_id, session.device_id);
    assert.ok(Number.isInteger(ok.body.exp) && Number.isInteger(ok.body.iat));
    const foreign = await anonUser(server, "second-app");
    assertError(await users("/verify_token", { body: { token: foreign.access_token } }), 401, "InvalidSession", "tokenSignatureInvalid");
    assertError(await users("/verify_token", { body: { token: "garbage" } }), 401, "InvalidSession");
    assertError(await users("/verify_token", { body: {} }), 400, "MissingParameter");
    server.clock.advance(31 * 60 * 1000);
    try {
      const expiredSession = await anonUser(server, TODO);
      server.clock.advance(31 * 60 * 1000);
      // The admin session's own access token expired too: log in afresh.
      const login = await server.adminCall("/auth/providers/mongodb-cloud/login", {
        body: { username: server.key.username, apiKey: server.key.apiKey },
        token: null,
      });
      const expired = await users("/verify_token", { body: { token: expiredSession.access_token }, token: login.body.access_token });
      assert.equal(expired.status, 200);
      assert.equal(expired.headers.get("content-type"), "application/json");
      assert.equal(expired.body, "token expired");
    } finally {
      server.clock.advance(-62 * 60 * 1000);
    }
  });

  it("reset_email changes the login address; 400 without an email identity, 409 when taken", async () => {
    const address = email();
    const session = await userpassUser(server, TODO, address);
    const next = email();
    assert.equal((await users(`/${session.user_id}/reset_email`, { method: "PATCH", body: { email: next } })).status, 204);
    const login = await call(`${server.api}/app/${TODO}/auth/providers/local-userpass/login`, {
      body: { username: next, password: "secret-pw" },
    });
    assert.equal(login.status, 200);
    assert.equal((await users(`/${session.user_id}`)).body.data.email, next);
    const old = await call(`${server.api}/app/${TODO}/auth/providers/local-userpass/login`, {
      body: { username: address, password: "secret-pw" },
    });
    assertError(old, 401, "InvalidPassword");
    const anon = await anonUser(server, TODO);
    assertError(
      await users(`/${anon.user_id}/reset_email`, { method: "PATCH", body: { email: email() } }),
      400,
      "BadRequest",
      "noUserpassIdentity",
    );
    const taken = await userpassUser(server, TODO, email());
    assertError(await users(`/${taken.user_id}/reset_email`, { method: "PATCH", body: { email: next } }), 409, "AccountNameInUse");
    assertError(await users(`/${taken.user_id}/reset_email`, { method: "PATCH", body: {} }), 400, "MissingParameter");
  });

  it("refuses unknown query parameters and malformed paging values (400)", async () => {
    assertError(await users("?emial=x"), 400, "InvalidParameter");
    assertError(await users("?after=x.y"), 400, "InvalidParameter");
    assertError(await users("?sort=name"), 400, "InvalidParameter");
    assertError(await users("?desc=yes"), 400, "InvalidParameter");
    assertError(await users("?created_after=yesterday"), 400, "InvalidParameter", "timeFilterInvalid");
  });
});
