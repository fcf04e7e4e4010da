/**
 * Logging users in and out against a real server: anonymous (with reuse), email/password, multiple
 * users, switching, removing and deleting, profile and device id, app listeners.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import {
  ClientError,
  ClientErrorCode,
  Credentials,
  MongoDBRealmError,
  UserState,
  type AppChangeEvent,
  type User,
} from "../../src/index.ts";
import { recordingFetch, startGatehouse, uniqueEmail, type TestGatehouse } from "../helpers/server.ts";

describe("logging in and out", () => {
  let gh: TestGatehouse;
  before(async () => {
    gh = await startGatehouse();
  });
  after(() => gh.close());

  async function registered(password = "secret123") {
    const email = uniqueEmail();
    await gh.app().emailPasswordAuth.registerUser({ email, password });
    return { email, password };
  }

  it("logs in anonymously, fetching the profile, and reuses that user without a request", async () => {
    const rec = recordingFetch();
    const app = gh.app({ fetch: rec.fetch });
    const user = await app.logIn(Credentials.anonymous());
    assert.equal(user.state, UserState.Active);
    assert.equal(user.isLoggedIn, true);
    assert.equal(user.providerType, "anon-user");
    assert.match(user.id, /^[0-9a-f]{24}$/);
    assert.deepEqual(
      user.identities.map((i) => i.providerType),
      ["anon-user"],
    );
    assert.deepEqual(user.profile, {});
    assert.equal(app.currentUser, user);
    assert.deepEqual(
      rec.requests.map((r) => `${r.method} ${r.path.replace(/.*v2\.0/, "")}`),
      ["GET /app/todo-gatehouse/location", "POST /app/todo-gatehouse/auth/providers/anon-user/login", "GET /auth/profile"],
    );
    const before = rec.requests.length;
    assert.equal(await app.logIn(Credentials.anonymous()), user);
    assert.equal(rec.requests.length, before, "reusing the anonymous user makes no request");
    const other = await app.logIn(Credentials.anonymous(false));
    assert.notEqual(other.id, user.id, "reuse=false creates a new anonymous user");
    assert.equal(await gh.countEvents("user_created", user.id), 1);
  });

  it("logs in with email/password and exposes profile, identities, tokens and device id", async () => {
    const { email, password } = await registered();
    const app = gh.app();
    const user = await app.logIn(Credentials.emailPassword(email, password));
    assert.equal(user.profile.email, email);
    assert.equal(user.identities[0]?.providerType, "local-userpass");
    assert.equal(user.accessToken?.split(".").length, 3);
    assert.equal(user.refreshToken?.split(".").length, 3);
    assert.match(user.deviceId ?? "", /^[0-9a-f]{24}$/);
    assert.equal(user.isAnonymous, false);
    assert.deepEqual(user.customData, {}, "no custom user data configured: {}");
    assert.equal(user.toJSON()["id"], user.id);
  });

  it("sends the stored device id on the next login, so the server recognises the device", async () => {
    const { email, password } = await registered();
    const app = gh.app();
    const first = await app.logIn(Credentials.anonymous());
    const second = await app.logIn(Credentials.emailPassword(email, password));
    assert.ok(first.deviceId);
    assert.equal(second.deviceId, first.deviceId);
  });

  it("fails a wrong password with InvalidPassword / 401 and keeps the current user", async () => {
    const { email } = await registered();
    const app = gh.app();
    const guest = await app.logIn(Credentials.anonymous());
    await assert.rejects(app.logIn(Credentials.emailPassword(email, "wrong-password")), (err: unknown) => {
      assert.ok(err instanceof MongoDBRealmError);
      assert.equal(err.errorCode, "InvalidPassword");
      assert.equal(err.statusCode, 401);
      return true;
    });
    assert.equal(app.currentUser, guest);
  });

  it("keeps several users, switches between them, and orders allUsers logged-in first", async () => {
    const a = await registered();
    const b = await registered();
    const app = gh.app();
    const events: AppChangeEvent<User>[] = [];
    app.addListener((e) => events.push(e));
    const alice = await app.logIn(Credentials.emailPassword(a.email, a.password));
    const bob = await app.logIn(Credentials.emailPassword(b.email, b.password));
    assert.equal(app.currentUser, bob);
    app.switchUser(alice);
    assert.equal(app.currentUser, alice);
    assert.deepEqual(Object.keys(app.allUsers), [alice.id, bob.id]);
    await alice.logOut();
    assert.equal(alice.state, UserState.LoggedOut);
    assert.equal(alice.accessToken, null);
    assert.equal(app.currentUser, bob, "the next logged-in user becomes current");
    assert.deepEqual(Object.keys(app.allUsers), [bob.id, alice.id], "logged-out users stay, listed last");
    assert.throws(
      () => app.switchUser(alice),
      (e: unknown) => e instanceof ClientError && e.errorCode === ClientErrorCode.UserNotLoggedIn,
    );
    const again = await app.logIn(Credentials.emailPassword(a.email, a.password));
    assert.equal(again, alice, "logging in again revives the same User object");
    assert.deepEqual(
      events.filter((e) => e.type !== "userChanged").map((e) => e.type),
      ["loggedIn", "loggedIn", "switchedUser", "loggedIn"],
    );
    const loggedOut = events.find((e) => e.type === "userChanged" && e.event.type === "loggedOut");
    assert.ok(loggedOut?.type === "userChanged" && loggedOut.event.type === "loggedOut" && loggedOut.event.reason === "logOut");
  });

  it("logging out ends the session on the server", async () => {
    const { email, password } = await registered();
    const app = gh.app();
    const user = await app.logIn(Credentials.emailPassword(email, password));
    const refreshToken = user.refreshToken!;
    await user.logOut();
    assert.equal(await gh.countEvents("logout", user.id), 1);
    const response = await fetch(`${gh.url}/api/client/v2.0/auth/session`, {
      method: "POST",
      headers: { Authorization: `Bearer ${refreshToken}` },
    });
    assert.equal(response.status, 401, "the old refresh token no longer works");
    await user.logOut(); // a second logout is a no-op
  });

  it("removes an anonymous user when it logs out (it could never log in again)", async () => {
    const app = gh.app();
    const guest = await app.logIn(Credentials.anonymous());
    await guest.logOut();
    assert.equal(guest.state, UserState.Removed);
    assert.deepEqual(app.allUsers, {});
  });

  it("removeUser logs out and forgets the user; the account remains", async () => {
    const { email, password } = await registered();
    const app = gh.app();
    const user = await app.logIn(Credentials.emailPassword(email, password));
    await app.removeUser(user);
    assert.equal(user.state, UserState.Removed);
    assert.equal(app.currentUser, null);
    await assert.rejects(app.removeUser(user), (e: unknown) => e instanceof ClientError && e.errorCode === ClientErrorCode.UserNotFound);
    const back = await app.logIn(Credentials.emailPassword(email, password));
    assert.equal(back.id, user.id);
    assert.notEqual(back, user);
  });

  it("deleteUser deletes the account on the server and removes it here", async () => {
    const { email, password } = await registered();
    const app = gh.app();
    const user = await app.logIn(Credentials.emailPassword(email, password));
    const events: string[] = [];
    user.addListener((e) => events.push(e.type === "loggedOut" ? `loggedOut:${e.reason}` : e.type));
    await app.deleteUser(user);
    assert.equal(user.state, UserState.Removed);
    assert.deepEqual(events, ["loggedOut:userDeleted", "removed"]);
    assert.equal(await gh.countEvents("delete", user.id), 1);
    await assert.rejects(app.logIn(Credentials.emailPassword(email, password)), { errorCode: "InvalidPassword" });
  });

  it("refuses operations of a logged-out user without a request", async () => {
    const { email, password } = await registered();
    const rec = recordingFetch();
    const app = gh.app({ fetch: rec.fetch });
    const user = await app.logIn(Credentials.emailPassword(email, password));
    await user.logOut();
    const count = rec.requests.length;
    await assert.rejects(user.refreshProfile(), { errorCode: ClientErrorCode.UserNotLoggedIn, statusCode: 0 });
    await assert.rejects(user.callFunction("anything"), { errorCode: ClientErrorCode.UserNotLoggedIn });
    assert.equal(rec.requests.length, count);
  });

  it("logIn without fetching the profile leaves it unfetched until refreshProfile", async () => {
    const app = gh.app();
    const user = await app.logIn(Credentials.anonymous(false), false);
    assert.throws(() => user.profile, { errorCode: ClientErrorCode.ProfileNotFetched });
    await user.refreshProfile();
    assert.deepEqual(user.profile, {});
  });

  it("reports a login to an unknown app with the server's error code", async () => {
    const app = gh.app({ id: "no-such-app" });
    await assert.rejects(app.logIn(Credentials.anonymous()), { statusCode: 404, errorCode: "AppNotFound" });
  });
});
