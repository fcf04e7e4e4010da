/**
 * realm-web@2.0.1 against a listening Gatehouse: location, anonymous login, App instances and their
 * state, multiple users.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import * as Realm from "realm-web";
import { startTestServer, type TestServer } from "../../packages/server/test/helpers/server.js";
import { HEX24, IsolatedStorage, TODO_APP, jwtPayload, newApp, rawCall, recordingFetch, uniqueEmail } from "./helpers.js";

let server: TestServer;
before(async () => {
  server = await startTestServer();
});
after(async () => {
  await server.close();
});

describe("location", () => {
  test("realm-web asks /location first and sends every later request to the returned hostname", async () => {
    const { app, requests } = newApp(server, TODO_APP);
    await app.logIn(Realm.Credentials.anonymous());
    assert.deepEqual(
      requests.map((r) => `${r.method} ${r.path}`),
      [
        `GET /api/client/v2.0/app/${TODO_APP}/location`,
        `POST /api/client/v2.0/app/${TODO_APP}/auth/providers/anon-user/login`,
        "GET /api/client/v2.0/auth/profile",
      ],
    );
    assert.equal(requests[0]!.token, undefined, "location carries no token");
    const location = await rawCall(server, "GET", `/app/${TODO_APP}/location`);
    assert.equal(location.status, 200);
    assert.equal(location.body.hostname, server.url);
    assert.equal(location.body.ws_hostname, server.url.replace(/^http/, "ws"));
  });

  test("skipLocationRequest: true uses baseUrl directly and never calls /location", async () => {
    const { app, requests } = newApp(server, TODO_APP, { skipLocationRequest: true });
    const user = await app.logIn(Realm.Credentials.anonymous());
    await user.refreshProfile();
    assert.match(user.id, HEX24);
    assert.equal(
      requests.some((r) => r.path.endsWith("/location")),
      false,
    );
    assert.deepEqual(
      requests.map((r) => `${r.method} ${r.path}`),
      [
        `POST /api/client/v2.0/app/${TODO_APP}/auth/providers/anon-user/login`,
        "GET /api/client/v2.0/auth/profile",
        "GET /api/client/v2.0/auth/profile",
      ],
    );
  });

  test("a baseUrl with a trailing slash works (realm-web requests //api/...), with and without /location", async () => {
    for (const skipLocationRequest of [false, true]) {
      const { fetch, requests } = recordingFetch(server.url);
      const app = new Realm.App({ id: TODO_APP, baseUrl: `${server.url}/`, storage: new IsolatedStorage(), fetch, skipLocationRequest });
      const user = await app.logIn(Realm.Credentials.anonymous());
      assert.match(user.id, HEX24);
      assert.equal(requests[0]!.path.startsWith("//api/client/v2.0/"), true, "realm-web does not trim the slash");
      assert.ok(requests.every((r) => r.status === 200));
      // After /location, requests use the hostname the server returned, which has no trailing slash.
      if (!skipLocationRequest) assert.equal(requests[1]!.path.startsWith("/api/client/v2.0/"), true);
    }
  });

  test("an unknown app id fails the first call with the server's error", async () => {
    const { app } = newApp(server, "no-such-app");
    await assert.rejects(app.logIn(Realm.Credentials.anonymous()), (error: unknown) => {
      assert.ok(error instanceof Realm.MongoDBRealmError);
      assert.equal(error.statusCode, 404);
      assert.equal(error.errorCode, "AppNotFound");
      return true;
    });
  });
});

describe("anonymous login", () => {
  test("gives a user id, providerType anon-user, an empty profile and customData {}", async () => {
    const { app, requests } = newApp(server, TODO_APP);
    const user = await app.logIn(Realm.Credentials.anonymous());
    assert.match(user.id, HEX24);
    assert.equal(user.providerType, "anon-user");
    assert.equal(user.state, Realm.UserState.Active);
    assert.equal(user.isLoggedIn, true);
    assert.deepEqual(user.profile, {});
    assert.equal(user.identities.length, 1);
    assert.equal(user.identities[0]!.providerType, "anon-user");
    assert.match(user.identities[0]!.id, HEX24);
    assert.deepEqual(user.customData, {});
    assert.equal(app.currentUser, user);
    assert.deepEqual(Object.keys(app.allUsers), [user.id]);
    // Tokens: three-part JWTs whose claims realm-web reads.
    const access = jwtPayload(user.accessToken!);
    assert.equal(access.sub, user.id);
    assert.equal(access.typ, "access");
    assert.equal(Number(access.exp) - Number(access.iat), 1800);
    assert.equal(jwtPayload(user.refreshToken!).typ, "refresh");
    // The device id the server issued is stored and sent back, EJSON-encoded, on the next login.
    assert.ok(user.deviceId);
    assert.match(user.deviceId, HEX24);
    assert.notEqual(user.deviceId, "000000000000000000000000");
    const profileCall = requests.find((r) => r.path === "/api/client/v2.0/auth/profile");
    assert.equal(profileCall?.token, user.accessToken);
    const again = await app.logIn(Realm.Credentials.anonymous(false));
    assert.equal(again.deviceId, user.deviceId, "the second login reuses the stored device id");
    assert.notEqual(again.id, user.id);
  });

  test("Credentials.anonymous() reuses the logged-in anonymous user without a server login", async () => {
    const { app, requests } = newApp(server, TODO_APP);
    const first = await app.logIn(Realm.Credentials.anonymous());
    const logins = () => requests.filter((r) => r.path.endsWith("/anon-user/login")).length;
    assert.equal(logins(), 1);
    const before = requests.length;
    const second = await app.logIn(Realm.Credentials.anonymous());
    assert.equal(second, first);
    assert.equal(logins(), 1, "reuse happens client-side");
    assert.deepEqual(
      requests.slice(before).map((r) => `${r.method} ${r.path}`),
      ["GET /api/client/v2.0/auth/profile"],
      "realm-web only refreshes the profile",
    );
    const third = await app.logIn(Realm.Credentials.anonymous(false));
    assert.notEqual(third.id, first.id, "every anon-user login that reaches the server creates a new user");
    assert.equal(logins(), 2);
    const created = await server.listAuditEvents({ clientAppId: TODO_APP, type: "user_created" });
    assert.ok(created.some((e) => e.userId === first.id));
    assert.ok(created.some((e) => e.userId === third.id));
  });
});

describe("App instances", () => {
  test("a second App with its own storage shares nothing with the first", async () => {
    const a = newApp(server, TODO_APP);
    const b = newApp(server, TODO_APP);
    const userA = await a.app.logIn(Realm.Credentials.anonymous());
    assert.equal(b.app.currentUser, null);
    assert.deepEqual(b.app.allUsers, {});
    const userB = await b.app.logIn(Realm.Credentials.anonymous());
    assert.notEqual(userB.id, userA.id, "no anonymous reuse across isolated Apps");
    assert.notEqual(userB.deviceId, userA.deviceId, "each App gets its own device id");
    assert.deepEqual(Object.keys(a.app.allUsers), [userA.id]);
    assert.deepEqual(Object.keys(b.app.allUsers), [userB.id]);
    await userA.logOut();
    assert.equal(a.app.currentUser, null);
    assert.equal(b.app.currentUser, userB, "logging out in one App leaves the other alone");
    await userB.refreshProfile();
  });

  test("finding: without a storage option, Apps with the same id share users through realm-web's process-wide default storage", async () => {
    const { fetch } = recordingFetch(server.url);
    const defaultStorage = Realm.getEnvironment().defaultStorage;
    try {
      const first = new Realm.App({ id: TODO_APP, baseUrl: server.url, fetch });
      const user = await first.logIn(Realm.Credentials.anonymous());
      const second = new Realm.App({ id: TODO_APP, baseUrl: server.url, fetch });
      assert.deepEqual(Object.keys(second.allUsers), [user.id], "the second App hydrates the first App's user");
      assert.equal(second.currentUser?.id, user.id);
      assert.notEqual(second.currentUser, user, "...as a separate User object sharing the same tokens");
      assert.equal(second.currentUser?.refreshToken, user.refreshToken);
      // Realm.getApp() is a cache: the same id returns the same instance.
      assert.equal(Realm.getApp("compat-cache-check"), Realm.getApp("compat-cache-check"));
    } finally {
      defaultStorage.clear();
    }
  });
});

describe("multiple users", () => {
  test("logIn stacks users, switchUser changes currentUser, requests go out with the right token", async () => {
    const { app, requests } = newApp(server, TODO_APP);
    const email = uniqueEmail("multi");
    const anon = await app.logIn(Realm.Credentials.anonymous());
    await app.emailPasswordAuth.registerUser({ email, password: "password1" });
    const named = await app.logIn(Realm.Credentials.emailPassword(email, "password1"));
    assert.notEqual(named.id, anon.id);
    assert.equal(app.currentUser, named, "the last login is current");
    assert.deepEqual(Object.keys(app.allUsers).sort(), [anon.id, named.id].sort());
    assert.deepEqual(named.profile, { email });
    assert.equal(named.providerType, "local-userpass");

    app.switchUser(anon);
    assert.equal(app.currentUser, anon);
    // realm-web attaches the *current* user's access token even to the public register route (§1.1).
    const other = uniqueEmail("multi-other");
    await app.emailPasswordAuth.registerUser({ email: other, password: "password1" });
    const register = requests.filter((r) => r.path.endsWith("/local-userpass/register")).at(-1)!;
    assert.equal(register.token, anon.accessToken);
    assert.equal(register.status, 201);

    // A user's own calls use its own token whoever is current.
    const before = requests.length;
    await named.refreshProfile();
    assert.equal(requests[before]!.token, named.accessToken);

    app.switchUser(named);
    assert.equal(app.currentUser, named);
    const stranger = await newApp(server, TODO_APP).app.logIn(Realm.Credentials.anonymous());
    assert.throws(() => app.switchUser(stranger), /never logged into this app/);
  });

  test("removeUser logs the user out on the server and forgets it; the others stay", async () => {
    const { app } = newApp(server, TODO_APP);
    const first = await app.logIn(Realm.Credentials.anonymous(false));
    const second = await app.logIn(Realm.Credentials.anonymous(false));
    const refreshToken = first.refreshToken!;
    await app.removeUser(first);
    assert.equal(first.state, Realm.UserState.Removed);
    assert.equal(first.accessToken, null);
    assert.equal(first.refreshToken, null);
    assert.deepEqual(Object.keys(app.allUsers), [second.id]);
    assert.equal(app.currentUser, second);
    const refused = await rawCall(server, "POST", "/auth/session", refreshToken);
    assert.equal(refused.status, 401);
    assert.equal(refused.body.error_code, "InvalidSession");
    await assert.rejects(app.removeUser(first), /never logged into this app/);
    const logouts = await server.listAuditEvents({ clientAppId: TODO_APP, type: "logout", userId: first.id });
    assert.equal(logouts.length, 1);
  });
});
