/**
 * `context.services.get("gatehouse-admin")` over HTTP: a user deletes itself from a function (the
 * seed's deletion flow); a function not running as system may act only on its caller; a system
 * function may act on any user of its app.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { call, type TestServer } from "../helpers/server.js";
import { anonLogin, assertError, callFunction, callOk, login, startFunctionsServer, userpassRoute, type Session } from "./helpers.js";

let server: TestServer;
before(async () => {
  server = await startFunctionsServer();
});
after(async () => {
  await server.close();
});

/** Every way the session's tokens could still be used: all must be 401. */
async function assertSessionDead(session: Session): Promise<void> {
  const fn = await callFunction(server, session.access_token, "echo", [1]);
  assertError(fn, { status: 401, code: "InvalidSession" });
  const profile = await call(`${server.api}/auth/profile`, { token: session.access_token });
  assertError(profile, { status: 401, code: "InvalidSession" });
  const refresh = await call(`${server.api}/auth/session`, { method: "POST", token: session.refresh_token });
  assertError(refresh, { status: 401, code: "InvalidSession" });
}

describe("gatehouse-admin service", () => {
  it("deleteUser(context.user.id): a user deletes itself; afterwards its tokens are 401", async () => {
    const session = await login(server, "custom-function", { username: "doomed", password: "letmein" });
    const second = await login(server, "custom-function", { username: "doomed", password: "letmein" });
    assert.equal(await callOk(server, session.access_token, "deleteMe"), "deleted");
    await assertSessionDead(session);
    await assertSessionDead(second);
    // The identity went with the user: logging in again makes a new user.
    const again = await login(server, "custom-function", { username: "doomed", password: "letmein" });
    assert.notEqual(again.user_id, session.user_id);
  });

  it("an email/password user deleting itself frees its email", async () => {
    const email = "ok-delete-me@example.com";
    assert.equal((await call(userpassRoute(server, "register"), { body: { email, password: "secret1" } })).status, 201);
    const session = await login(server, "local-userpass", { username: email, password: "secret1" });
    assert.equal(await callOk(server, session.access_token, "deleteMe"), "deleted");
    await assertSessionDead(session);
    assertError(await call(userpassRoute(server, "login"), { body: { username: email, password: "secret1" } }), {
      status: 401,
      code: "InvalidPassword",
    });
    assert.equal((await call(userpassRoute(server, "register"), { body: { email, password: "secret1" } })).status, 201);
  });

  it("logout after deletion (what realm-web does next) is not an error the SDK throws", async () => {
    const session = await anonLogin(server);
    await callOk(server, session.access_token, "deleteMe");
    const logout = await call(`${server.api}/auth/session`, { method: "DELETE", token: session.refresh_token });
    // realm-web swallows a logout error only if it says "failed to find refresh token" (PROTOCOL.md §4.2).
    assertError(logout, { status: 401, code: "InvalidSession", error: "invalid session: failed to find refresh token" });
  });

  it("a function not running as system may not delete another user", async () => {
    const victim = await anonLogin(server);
    const attacker = await anonLogin(server);
    const res = await callFunction(server, attacker.access_token, "deleteOther", [victim.user_id]);
    assertError(res, { status: 400, code: "FunctionExecutionError", error: /only a system function may act on another user/ });
    assert.equal((await callFunction(server, victim.access_token, "echo", [1])).status, 200, "the victim is still there");
  });

  it("a run_as_system function may delete any user of the app", async () => {
    const target = await anonLogin(server);
    const caller = await anonLogin(server);
    assert.equal(await callOk(server, caller.access_token, "deleteAsSystem", [target.user_id]), "deleted");
    await assertSessionDead(target);
    assert.equal((await callFunction(server, caller.access_token, "echo", [1])).status, 200);
  });

  it("logoutUser(context.user.id): every session ends at once; logging in again works", async () => {
    const session = await login(server, "custom-function", { username: "log-me-out", password: "letmein" });
    assert.equal(await callOk(server, session.access_token, "adminOnSelf", ["logoutUser"]), "logoutUser");
    await assertSessionDead(session);
    const again = await login(server, "custom-function", { username: "log-me-out", password: "letmein" });
    assert.equal(again.user_id, session.user_id);
    assert.equal((await callFunction(server, again.access_token, "echo", [1])).status, 200);
  });

  it("disableUser(context.user.id): sessions end and logins are refused until the operator enables the user", async () => {
    const session = await login(server, "custom-function", { username: "disable-me", password: "letmein" });
    assert.equal(await callOk(server, session.access_token, "adminOnSelf", ["disableUser"]), "disableUser");
    await assertSessionDead(session);
    const refused = await call(`${server.api}/app/functions-app/auth/providers/custom-function/login`, {
      body: { username: "disable-me", password: "letmein" },
    });
    assertError(refused, { status: 401, code: "UserDisabled" });
    await server.admin.enableUser("functions-app", session.user_id);
    assert.equal((await login(server, "custom-function", { username: "disable-me", password: "letmein" })).user_id, session.user_id);
  });

  it("deleting an unknown user, or with no id, fails the function call", async () => {
    const caller = await anonLogin(server);
    const unknown = await callFunction(server, caller.access_token, "deleteAsSystem", ["65f000000000000000000000"]);
    assertError(unknown, { status: 400, code: "FunctionExecutionError", error: "user not found" });
    const noId = await callFunction(server, caller.access_token, "deleteAsSystem", []);
    assertError(noId, { status: 400, code: "FunctionExecutionError", error: /a user id \(string\) is required/ });
  });
});
