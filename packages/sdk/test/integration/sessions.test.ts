/**
 * Keeping sessions alive: proactive refresh near expiry, refresh-once-and-retry-once on 401, one shared
 * refresh for concurrent requests, and the end of a session (expired or revoked refresh token) —
 * against a real server whose clock the tests move.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import {
  ClientErrorCode,
  Credentials,
  MemoryStorage,
  MongoDBRealmError,
  UserState,
  type App,
  type UserChangeEvent,
} from "../../src/index.ts";
import { recordingFetch, startGatehouse, uniqueEmail, type TestGatehouse } from "../helpers/server.ts";

const MINUTE = 60_000;
const ACCESS_MINUTES = 5;
/** Within the last minute of an access token's life: the SDK refreshes before sending. */
const NEAR_EXPIRY = (ACCESS_MINUTES - 0.5) * MINUTE;
/** Past an access token's life, well within the refresh token's. */
const PAST_ACCESS_EXPIRY = (ACCESS_MINUTES + 1) * MINUTE;
const route = (r: { method: string; path: string; status: number }) => `${r.method} ${r.path.replace(/.*v2\.0/, "")} ${r.status}`;

describe("sessions", () => {
  let gh: TestGatehouse;
  before(async () => {
    // 5 min access tokens, and the shortest refresh-token lifetime the server allows (30 min).
    gh = await startGatehouse({
      config: { sessions: { accessTokenLifetimeSeconds: ACCESS_MINUTES * 60, refreshTokenLifetimeSeconds: 1800 } },
    });
  });
  after(() => gh.close());

  async function loggedIn(app: App) {
    const email = uniqueEmail();
    await app.emailPasswordAuth.registerUser({ email, password: "secret123" });
    return app.logIn(Credentials.emailPassword(email, "secret123"));
  }

  function eventsOf(user: { addListener(cb: (e: UserChangeEvent) => void): void }) {
    const events: UserChangeEvent[] = [];
    user.addListener((e) => events.push(e));
    return events;
  }

  it("refreshes before a request when the access token is about to expire (no 401 round trip)", async () => {
    const rec = recordingFetch();
    const app = gh.app({ fetch: rec.fetch }); // shares the server's clock
    const user = await loggedIn(app);
    const events = eventsOf(user);
    const oldToken = user.accessToken;
    gh.clock.advance(NEAR_EXPIRY); // 30 s left
    rec.requests.length = 0;
    await user.refreshProfile();
    assert.deepEqual(rec.requests.map(route), ["POST /auth/session 201", "GET /auth/profile 200"]);
    assert.notEqual(user.accessToken, oldToken);
    assert.deepEqual(
      events.map((e) => e.type),
      ["accessTokenRefreshed", "profileRefreshed"],
    );
  });

  it("on a 401 refreshes once and retries once (client clock unaware of expiry)", async () => {
    const rec = recordingFetch();
    let deviceTime = 0; // the device clock: real time plus what the test lets pass on the device
    const app = gh.app({ fetch: rec.fetch, clock: { now: () => Date.now() + deviceTime } });
    const user = await loggedIn(app);
    gh.clock.advance(PAST_ACCESS_EXPIRY); // only the server's clock jumps: the device cannot know
    rec.requests.length = 0;
    await user.refreshProfile();
    assert.deepEqual(rec.requests.map(route), ["GET /auth/profile 401", "POST /auth/session 201", "GET /auth/profile 200"]);
    // The new token's iat taught the client how far the server's clock is ahead: when time passes for
    // both, the next expiry is caught before the request.
    gh.clock.advance(NEAR_EXPIRY);
    deviceTime += NEAR_EXPIRY;
    rec.requests.length = 0;
    await user.refreshProfile();
    assert.deepEqual(rec.requests.map(route), ["POST /auth/session 201", "GET /auth/profile 200"]);
  });

  it("concurrent requests hitting 401 share one refresh (counted on the server)", async () => {
    const app = gh.app({ clock: { now: () => Date.now() } });
    const user = await loggedIn(app);
    const refreshesBefore = await gh.countEvents("refresh", user.id);
    gh.clock.advance(PAST_ACCESS_EXPIRY);
    await Promise.all(Array.from({ length: 8 }, () => user.refreshProfile()));
    assert.equal((await gh.countEvents("refresh", user.id)) - refreshesBefore, 1);
  });

  it("concurrent requests near expiry share one proactive refresh (counted on the server)", async () => {
    const app = gh.app();
    const user = await loggedIn(app);
    const refreshesBefore = await gh.countEvents("refresh", user.id);
    gh.clock.advance(NEAR_EXPIRY);
    await Promise.all([...Array.from({ length: 6 }, () => user.refreshProfile()), user.refreshCustomData(), user.refreshAccessToken()]);
    assert.equal((await gh.countEvents("refresh", user.id)) - refreshesBefore, 1);
  });

  it("never loops: a refused fresh token fails the request after one refresh and one retry", async () => {
    // The server genuinely refuses every access token here: this fetch garbles it on the way out.
    // realm-web would refresh and retry forever.
    const rec = recordingFetch();
    const app = gh.app({
      fetch: (url, init) => {
        const headers = new Headers(init.headers);
        if (url.endsWith("/auth/profile") && headers.has("authorization")) headers.set("authorization", headers.get("authorization") + "x");
        return rec.fetch(url, { ...init, headers });
      },
    });
    const user = await loggedIn(app).catch(() => undefined);
    assert.equal(user, undefined, "the login itself fails: its profile fetch is refused");
    const guest = await app.logIn(Credentials.anonymous(), false);
    rec.requests.length = 0;
    await assert.rejects(guest.refreshProfile(), { statusCode: 401, errorCode: "InvalidSession" });
    assert.deepEqual(rec.requests.map(route), ["GET /auth/profile 401", "POST /auth/session 201", "GET /auth/profile 401"]);
    assert.equal(guest.state, UserState.Active, "the session itself is fine");
  });

  it("an expired refresh token logs the user out, and listeners hear why", async () => {
    const app = gh.app();
    const user = await loggedIn(app);
    const events = eventsOf(user);
    const appEvents: string[] = [];
    app.addListener((e) => appEvents.push(e.type === "userChanged" ? `userChanged:${e.event.type}` : e.type));
    gh.clock.advance(31 * MINUTE); // past both the access token and the 30 min refresh token
    await assert.rejects(user.refreshProfile(), (err: unknown) => {
      assert.ok(err instanceof MongoDBRealmError);
      assert.equal(err.statusCode, 401);
      assert.equal(err.errorCode, "InvalidSession");
      return true;
    });
    assert.equal(user.state, UserState.LoggedOut);
    assert.equal(user.refreshToken, null);
    assert.equal(app.currentUser, null);
    const loggedOut = events.find((e) => e.type === "loggedOut");
    assert.equal(loggedOut?.type === "loggedOut" && loggedOut.reason, "refreshTokenExpired");
    assert.ok(loggedOut?.type === "loggedOut" && loggedOut.error instanceof MongoDBRealmError);
    assert.deepEqual(appEvents, ["userChanged:loggedOut"]);
  });

  it("tells expiry from revocation even when the client clock lags the server's", async () => {
    const app = gh.app({ clock: { now: () => Date.now() } });
    const user = await loggedIn(app);
    const events = eventsOf(user);
    gh.clock.advance(31 * MINUTE);
    await assert.rejects(user.refreshProfile(), { errorCode: "InvalidSession" });
    assert.deepEqual(
      events.map((e) => (e.type === "loggedOut" ? e.reason : e.type)),
      ["refreshTokenExpired"],
    );
  });

  it("a session revoked by an administrator logs the user out with reason sessionRevoked", async () => {
    const app = gh.app();
    const user = await loggedIn(app);
    const events = eventsOf(user);
    await gh.server.admin.logoutUser("todo-gatehouse", user.id);
    await assert.rejects(user.refreshProfile(), { statusCode: 401 });
    assert.equal(user.state, UserState.LoggedOut);
    assert.deepEqual(
      events.map((e) => (e.type === "loggedOut" ? e.reason : e.type)),
      ["sessionRevoked"],
    );
  });

  it("a disabled user is logged out with reason sessionRevoked", async () => {
    const app = gh.app();
    const user = await loggedIn(app);
    const events = eventsOf(user);
    await gh.server.admin.disableUser("todo-gatehouse", user.id);
    await assert.rejects(user.refreshCustomData(), { statusCode: 401 });
    assert.equal(user.isLoggedIn, false);
    assert.deepEqual(
      events.map((e) => (e.type === "loggedOut" ? e.reason : e.type)),
      ["sessionRevoked"],
    );
  });
  describe("tokens set by the application (settable as in realm-web)", () => {
    it("a bad access token makes the next call refresh first; the call succeeds", async () => {
      const rec = recordingFetch();
      const app = gh.app({ fetch: rec.fetch });
      const user = await loggedIn(app);
      for (const bad of ["not a token", `${user.accessToken!.slice(0, -4)}AAAA`]) {
        user.accessToken = bad;
        assert.equal(user.accessToken, bad);
        rec.requests.length = 0;
        await user.refreshProfile();
        assert.ok(
          rec.requests.some((r) => route(r) === "POST /auth/session 201"),
          `${bad}: ${rec.requests.map(route).join(", ")}`,
        );
        assert.equal(route(rec.requests.at(-1)!), "GET /auth/profile 200");
        assert.notEqual(user.accessToken, bad);
      }
    });

    it("null clears the access token (the user stays logged in and refreshes on its next call)", async () => {
      const app = gh.app();
      const user = await loggedIn(app);
      const refreshes = await gh.countEvents("refresh", user.id);
      user.accessToken = null;
      assert.equal(user.accessToken, null);
      assert.equal(user.state, UserState.Active);
      await user.refreshProfile();
      assert.equal(await gh.countEvents("refresh", user.id), refreshes + 1);
      assert.equal(typeof user.accessToken, "string");
    });

    it("a null refresh token leaves the user logged out on this device, and the cache agrees", async () => {
      const storage = new MemoryStorage();
      const app = gh.app({ storage });
      const user = await loggedIn(app);
      user.refreshToken = null;
      assert.equal(user.refreshToken, null);
      assert.equal(user.state, UserState.LoggedOut);
      await assert.rejects(user.refreshProfile(), { errorCode: ClientErrorCode.UserNotLoggedIn });
      const again = gh.app({ storage });
      assert.equal(again.allUsers[user.id]?.state, UserState.LoggedOut);
    });
  });
});

describe("sessions when the server is unreachable", () => {
  it("a network failure never logs the user out", async () => {
    const gh = await startGatehouse();
    const app = gh.app();
    const email = uniqueEmail();
    await app.emailPasswordAuth.registerUser({ email, password: "secret123" });
    const user = await app.logIn(Credentials.emailPassword(email, "secret123"));
    await gh.close();
    gh.clock.advance(31 * MINUTE); // the refresh is due, and the server is gone
    await assert.rejects(user.refreshProfile(), (err: unknown) => !(err instanceof MongoDBRealmError));
    await assert.rejects(user.refreshAccessToken());
    assert.equal(user.state, UserState.Active);
    assert.ok(user.refreshToken);
    assert.equal(app.currentUser, user);
  });
});
