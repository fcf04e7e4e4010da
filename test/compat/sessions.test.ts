/**
 * realm-web@2.0.1 sessions against Gatehouse: automatic refresh after a rejected access token, custom
 * data refresh, logout, user deletion, refresh-token expiry, admin actions, and identity linking.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import * as Realm from "realm-web";
import { startTestServer, type TestServer } from "../../packages/server/test/helpers/server.js";
import { HEX24, TODO_APP, jwtPayload, newApp, rawCall, rejectsRealm, uniqueEmail, type RecordedRequest } from "./helpers.js";

const MINUTE = 60 * 1000;
const DAY = 24 * 60 * MINUTE;

let server: TestServer;
before(async () => {
  server = await startTestServer();
});
after(async () => {
  await server.close();
});

/** `METHOD path status` of the requests after index `from`. */
function trace(requests: RecordedRequest[], from = 0): string[] {
  return requests.slice(from).map((r) => `${r.method} ${r.path.replace(/^\/api\/client\/v2\.0/, "")} ${r.status}`);
}

async function emailUser(app: Realm.App, tag: string, password = "password1"): Promise<{ user: Realm.User; email: string }> {
  const email = uniqueEmail(tag);
  await app.emailPasswordAuth.registerUser({ email, password });
  const user = await app.logIn(Realm.Credentials.emailPassword(email, password));
  return { user, email };
}

describe("access token refresh", () => {
  test("after 31 minutes refreshProfile gets a 401, refreshes once and retries", async () => {
    const { app, requests } = newApp(server, TODO_APP);
    const { user } = await emailUser(app, "refresh");
    const oldAccess = user.accessToken!;
    const refreshToken = user.refreshToken!;

    server.clock.advance(31 * MINUTE);
    const from = requests.length;
    await user.refreshProfile();
    assert.deepEqual(trace(requests, from), ["GET /auth/profile 401", "POST /auth/session 201", "GET /auth/profile 200"]);
    assert.equal(requests[from]!.token, oldAccess);
    assert.equal(requests[from + 1]!.token, refreshToken, "the refresh uses the refresh token");
    assert.notEqual(user.accessToken, oldAccess);
    assert.equal(requests[from + 2]!.token, user.accessToken);
    assert.equal(user.refreshToken, refreshToken, "the refresh token is not rotated");
    assert.equal(user.isLoggedIn, true);

    const refreshes = await server.listAuditEvents({ clientAppId: TODO_APP, type: "refresh", userId: user.id });
    assert.equal(refreshes.length, 1);
    assert.equal(refreshes[0]!.result, "ok");

    // The 401 realm-web reacted to:
    const expired = await rawCall(server, "GET", "/auth/profile", oldAccess);
    assert.equal(expired.status, 401);
    assert.equal(expired.contentType, "application/json");
    assert.equal(expired.body.error_code, "InvalidSession");
  });

  test("concurrent calls with an expired token each refresh on their own (no coalescing); all succeed", async () => {
    const { app, requests } = newApp(server, TODO_APP);
    const { user } = await emailUser(app, "concurrent");
    server.clock.advance(31 * MINUTE);
    const from = requests.length;
    await Promise.all([user.refreshProfile(), user.refreshProfile(), user.refreshProfile()]);
    const calls = trace(requests, from);
    assert.equal(calls.filter((c) => c === "GET /auth/profile 401").length, 3);
    assert.equal(calls.filter((c) => c === "POST /auth/session 201").length, 3, "realm-web sends one refresh per failed call");
    assert.equal(calls.filter((c) => c === "GET /auth/profile 200").length, 3);
    const refreshes = await server.listAuditEvents({ clientAppId: TODO_APP, type: "refresh", userId: user.id });
    assert.equal(refreshes.length, 3);
  });

  test("bodiless requests carry no Content-Type; every request asks for JSON", async () => {
    const { app, requests } = newApp(server, TODO_APP);
    const anon = await app.logIn(Realm.Credentials.anonymous());
    const { user } = await emailUser(app, "headers");
    await user.refreshCustomData();
    await user.logOut();
    for (const r of requests) {
      assert.equal(r.accept, "application/json", `${r.method} ${r.path}`);
      assert.equal(r.sentContentType, r.body === undefined ? null : "application/json", `${r.method} ${r.path}`);
    }
    const first = JSON.parse(requests.find((r) => r.path.endsWith("/anon-user/login"))!.body!);
    assert.equal("deviceId" in first.options.device, false, "no device id before the first login response");
    const login = requests.find((r) => r.path.endsWith("/local-userpass/login"))!;
    const body = JSON.parse(login.body!);
    assert.equal(body.username, user.profile.email);
    assert.equal(body.options.device.sdkVersion, "2.0.1");
    assert.equal(body.options.device.platform, "node");
    assert.match(body.options.device.deviceId.$oid, HEX24, "the stored device id goes back as an EJSON ObjectId");
    assert.equal(body.options.device.deviceId.$oid, anon.deviceId);
    assert.deepEqual(trace(requests).slice(-2), ["POST /auth/session 201", "DELETE /auth/session 204"]);
  });

  test("refreshCustomData refreshes the access token and returns {} (no custom user data configured)", async () => {
    const { app, requests } = newApp(server, TODO_APP);
    const { user } = await emailUser(app, "customdata");
    const oldAccess = user.accessToken!;
    const from = requests.length;
    const data = await user.refreshCustomData();
    assert.deepEqual(data, {});
    assert.deepEqual(user.customData, {});
    assert.deepEqual(trace(requests, from), ["POST /auth/session 201"]);
    assert.equal(requests[from]!.token, user.refreshToken);
    assert.notEqual(user.accessToken, oldAccess);
    const claims = jwtPayload(user.accessToken!);
    assert.equal(claims.sub, user.id);
    assert.equal(claims.iss, jwtPayload(user.refreshToken!).baas_id, "the new access token names the same session");
    assert.equal("user_data" in claims, false);
    const refreshes = await server.listAuditEvents({ clientAppId: TODO_APP, type: "refresh", userId: user.id });
    assert.equal(refreshes.length, 1);
  });
});

describe("logout", () => {
  test("user.logOut revokes the refresh token; a raw refresh with it gets 401 InvalidSession", async () => {
    const { app, requests } = newApp(server, TODO_APP);
    const { user, email } = await emailUser(app, "logout");
    const refreshToken = user.refreshToken!;
    const from = requests.length;
    await user.logOut();
    assert.deepEqual(trace(requests, from), ["DELETE /auth/session 204"]);
    assert.equal(requests[from]!.token, refreshToken);
    assert.equal(requests[from]!.contentType, null, "204 without a content type");
    assert.equal(user.state, Realm.UserState.LoggedOut);
    assert.equal(user.accessToken, null);
    assert.equal(user.refreshToken, null);
    assert.equal(app.currentUser, null);
    assert.deepEqual(Object.keys(app.allUsers), [user.id], "a logged-out user stays known to the App");

    const refused = await rawCall(server, "POST", "/auth/session", refreshToken);
    assert.equal(refused.status, 401);
    assert.equal(refused.contentType, "application/json");
    assert.equal(refused.body.error_code, "InvalidSession");
    assert.equal(refused.body.error, "invalid session: failed to find refresh token");

    // Logging out again sends nothing (no refresh token left).
    const before = requests.length;
    await user.logOut();
    assert.equal(requests.length, before);

    // Logging back in revives the same User object.
    const again = await app.logIn(Realm.Credentials.emailPassword(email, "password1"));
    assert.equal(again, user);
    assert.equal(user.state, Realm.UserState.Active);
    const logouts = await server.listAuditEvents({ clientAppId: TODO_APP, type: "logout", userId: user.id });
    assert.equal(logouts.length, 1);
  });
});

describe("deleteUser", () => {
  test("app.deleteUser deletes on the server; the login is gone and the old access token gets 401", async () => {
    const { app, requests } = newApp(server, TODO_APP);
    const { user, email } = await emailUser(app, "delete");
    const oldAccess = user.accessToken!;
    const oldRefresh = user.refreshToken!;
    const from = requests.length;
    await app.deleteUser(user);
    // realm-web logs out right after the delete; the server no longer knows the session, which
    // realm-web ignores only because the message contains "failed to find refresh token".
    assert.deepEqual(trace(requests, from), ["DELETE /auth/delete 204", "DELETE /auth/session 401"]);
    assert.equal(requests[from]!.token, oldAccess);
    assert.equal(requests[from + 1]!.token, oldRefresh);
    assert.equal(user.state, Realm.UserState.Removed);
    assert.deepEqual(app.allUsers, {});
    assert.equal(app.currentUser, null);

    await rejectsRealm(app.logIn(Realm.Credentials.emailPassword(email, "password1")), {
      errorCode: "InvalidPassword",
      statusCode: 401,
    });
    const profile = await rawCall(server, "GET", "/auth/profile", oldAccess);
    assert.equal(profile.status, 401);
    assert.equal(profile.body.error_code, "InvalidSession");
    const refresh = await rawCall(server, "POST", "/auth/session", oldRefresh);
    assert.equal(refresh.status, 401);
    assert.equal(refresh.body.error_code, "InvalidSession");

    // The address is free again: registering it makes a new user.
    await app.emailPasswordAuth.registerUser({ email, password: "password1" });
    const reborn = await app.logIn(Realm.Credentials.emailPassword(email, "password1"));
    assert.notEqual(reborn.id, user.id);
    const deletes = await server.listAuditEvents({ clientAppId: TODO_APP, type: "delete", userId: user.id });
    assert.equal(deletes.length, 1);
  });

  test("deleting an anonymous user", async () => {
    const { app } = newApp(server, TODO_APP);
    const user = await app.logIn(Realm.Credentials.anonymous());
    const oldAccess = user.accessToken!;
    await app.deleteUser(user);
    assert.equal(user.state, Realm.UserState.Removed);
    assert.equal((await rawCall(server, "GET", "/auth/profile", oldAccess)).status, 401);
  });
});

describe("refresh-token expiry", () => {
  test("past 60 days the next call fails and the user ends logged out; anonymous sessions last longer", async () => {
    const own = await startTestServer();
    try {
      const { app, requests } = newApp(own, TODO_APP);
      const anon = await app.logIn(Realm.Credentials.anonymous());
      const email = uniqueEmail("expiry");
      await app.emailPasswordAuth.registerUser({ email, password: "password1" });
      const user = await app.logIn(Realm.Credentials.emailPassword(email, "password1"));
      assert.equal(Number(jwtPayload(user.refreshToken!).exp) - Number(jwtPayload(user.refreshToken!).iat), 60 * 24 * 3600);

      own.clock.advance(60 * DAY + MINUTE);
      const from = requests.length;
      const error = await rejectsRealm(user.refreshProfile(), { errorCode: "InvalidSession", statusCode: 401 });
      assert.match(error.error ?? "", /refresh token expired/);
      assert.deepEqual(trace(requests, from), ["GET /auth/profile 401", "POST /auth/session 401"], "no retry loop");
      assert.equal(user.state, Realm.UserState.LoggedOut);
      assert.equal(user.accessToken, null);
      assert.equal(user.refreshToken, null);
      assert.notEqual(app.currentUser, user);

      // The anonymous user (5-year refresh token) just refreshes and goes on.
      await anon.refreshProfile();
      assert.equal(anon.isLoggedIn, true);
      assert.equal(app.currentUser, anon);

      // The password still works.
      const back = await app.logIn(Realm.Credentials.emailPassword(email, "password1"));
      assert.equal(back, user);
      assert.equal(user.isLoggedIn, true);
    } finally {
      await own.close();
    }
  });
});

describe("logout after the refresh token expired", () => {
  // realm-web's logOut() swallows an error only if its message contains "failed to find refresh token"
  // (PROTOCOL.md §4.2), so Gatehouse answers a logout of an expired session with exactly that.

  test("user.logOut() resolves and the user ends logged out", async () => {
    const own = await startTestServer();
    try {
      const { app, requests } = newApp(own, TODO_APP);
      const { user } = await emailUser(app, "expired-logout");
      own.clock.advance(60 * DAY + MINUTE);
      const from = requests.length;
      await user.logOut();
      assert.deepEqual(trace(requests, from), ["DELETE /auth/session 401"]);
      assert.equal(user.state, Realm.UserState.LoggedOut);
    } finally {
      await own.close();
    }
  });

  test("app.removeUser() resolves and forgets the user, storage included", async () => {
    const own = await startTestServer();
    try {
      const { app } = newApp(own, TODO_APP);
      const { user } = await emailUser(app, "expired-remove");
      own.clock.advance(60 * DAY + MINUTE);
      await app.removeUser(user);
      assert.equal(user.state, Realm.UserState.Removed);
      assert.deepEqual(app.storage.getUserIds(), []);
    } finally {
      await own.close();
    }
  });
});

describe("operator actions seen by realm-web", () => {
  test("a disabled user is logged out on its next call and cannot log in (UserDisabled)", async () => {
    const { app } = newApp(server, TODO_APP);
    const { user, email } = await emailUser(app, "disabled");
    await server.admin.disableUser(TODO_APP, user.id);
    await rejectsRealm(user.refreshProfile(), { errorCode: "InvalidSession", statusCode: 401 });
    assert.equal(user.state, Realm.UserState.LoggedOut);
    await rejectsRealm(app.logIn(Realm.Credentials.emailPassword(email, "password1")), { errorCode: "UserDisabled", statusCode: 401 });
    await server.admin.enableUser(TODO_APP, user.id);
    const back = await app.logIn(Realm.Credentials.emailPassword(email, "password1"));
    assert.equal(back.isLoggedIn, true);
  });

  test("admin logout ends the session: the next call logs the user out", async () => {
    const { app, requests } = newApp(server, TODO_APP);
    const { user } = await emailUser(app, "adminlogout");
    await server.admin.logoutUser(TODO_APP, user.id);
    const from = requests.length;
    await rejectsRealm(user.refreshProfile(), { errorCode: "InvalidSession", statusCode: 401 });
    assert.deepEqual(trace(requests, from), ["GET /auth/profile 401", "POST /auth/session 401"]);
    assert.equal(user.state, Realm.UserState.LoggedOut);
  });
});

describe("linkCredentials", () => {
  test("links an email/password identity onto an anonymous user; the session and refresh token stay", async () => {
    const { app, requests } = newApp(server, TODO_APP);
    const anon = await app.logIn(Realm.Credentials.anonymous());
    const refreshToken = anon.refreshToken!;
    const email = uniqueEmail("link");
    await app.emailPasswordAuth.registerUser({ email, password: "password1" });

    const from = requests.length;
    const accessBefore = anon.accessToken!;
    await anon.linkCredentials(Realm.Credentials.emailPassword(email, "password1"));
    assert.deepEqual(trace(requests, from), [
      "POST /app/todo-gatehouse/auth/providers/local-userpass/login?link=true 200",
      "GET /auth/profile 200",
    ]);
    assert.equal(requests[from]!.token, accessBefore, "link carries the access token of the linking user");

    assert.deepEqual(
      anon.identities.map((i) => i.providerType),
      ["anon-user", "local-userpass"],
    );
    assert.match(anon.identities[1]!.id, HEX24);
    assert.deepEqual(anon.profile, { email });
    assert.equal(anon.providerType, "anon-user", "realm-web keeps the provider type of the original login");
    assert.equal(anon.refreshToken, refreshToken);
    assert.notEqual(anon.accessToken, accessBefore);
    await anon.refreshCustomData();
    assert.equal(anon.isLoggedIn, true);

    // Logging in with the linked credentials elsewhere reaches the same user.
    const other = newApp(server, TODO_APP);
    const named = await other.app.logIn(Realm.Credentials.emailPassword(email, "password1"));
    assert.equal(named.id, anon.id);
    assert.deepEqual(
      named.identities.map((i) => i.providerType),
      ["anon-user", "local-userpass"],
    );
    const links = await server.listAuditEvents({ clientAppId: TODO_APP, type: "link", userId: anon.id });
    assert.equal(links.length, 1);

    // realm-web matches anonymous reuse on the User's providerType, so the linked user is still reused.
    const loginsBefore = requests.filter((r) => r.path.includes("/login")).length;
    assert.equal(await app.logIn(Realm.Credentials.anonymous()), anon);
    assert.equal(requests.filter((r) => r.path.includes("/login")).length, loginsBefore);
  });

  test("linking a second email/password identity or an anonymous one is refused", async () => {
    const { app } = newApp(server, TODO_APP);
    const { user } = await emailUser(app, "link-twice");
    const email = uniqueEmail("link-second");
    await app.emailPasswordAuth.registerUser({ email, password: "password1" });
    await rejectsRealm(user.linkCredentials(Realm.Credentials.emailPassword(email, "password1")), {
      errorCode: "BadRequest",
      statusCode: 400,
      error: /linking a local-userpass identity is not allowed/,
    });
    await rejectsRealm(user.linkCredentials(Realm.Credentials.anonymous()), {
      errorCode: "BadRequest",
      statusCode: 400,
      error: /linking an anonymous identity is not allowed/,
    });
    assert.equal(user.identities.length, 1);
    assert.equal(user.isLoggedIn, true);
  });

  // realm-web refreshes and retries any 401 InvalidSession on an access-token request, without a cap
  // (PROTOCOL.md §8.3). App Services answered a link conflict that way, so realm-web looped; Gatehouse
  // answers 409 AccountNameInUse and the call ends. The fetch limit would stop a loop.
  test("linking an identity that belongs to another user fails promptly and leaves the caller logged in", async () => {
    const { app, requests } = newApp(server, TODO_APP, { limit: 30 });
    const email = uniqueEmail("link-taken");
    await app.emailPasswordAuth.registerUser({ email, password: "password1" });
    const owner = await newApp(server, TODO_APP).app.logIn(Realm.Credentials.emailPassword(email, "password1"));
    const anon = await app.logIn(Realm.Credentials.anonymous());
    const from = requests.length;
    let caught: unknown;
    try {
      await anon.linkCredentials(Realm.Credentials.emailPassword(email, "password1"));
    } catch (error) {
      caught = error;
    }
    const linkRequests = requests.slice(from).filter((r) => r.path.includes("?link=true")).length;
    assert.ok(caught instanceof Realm.MongoDBRealmError, `expected a MongoDBRealmError, got ${String(caught)}`);
    assert.equal(caught.error, "a user already exists with the specified provider");
    assert.equal(linkRequests, 1, `realm-web sent ${linkRequests} link requests`);
    assert.equal(caught.errorCode, "AccountNameInUse");
    assert.equal(caught.statusCode, 409);
    assert.deepEqual(
      anon.identities.map((i) => i.providerType),
      ["anon-user"],
    );
    assert.equal(anon.isLoggedIn, true);
    assert.notEqual(owner.id, anon.id);
  });
});
