/**
 * A user deleted on the server (by an operator) while this device still caches it: the next request
 * fails once, the user becomes logged out, listeners hear why, and the next start restores it as
 * logged out.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { Credentials, MongoDBRealmError, UserState, type UserChangeEvent } from "../../src/index.ts";
import { DirectoryStorage } from "../../src/node/index.ts";
import { recordingFetch, startGatehouse, uniqueEmail, type TestGatehouse } from "../helpers/server.ts";

describe("server-side deletion of a cached user", () => {
  let gh: TestGatehouse;
  let dir: string;
  before(async () => {
    gh = await startGatehouse();
    dir = mkdtempSync(join(tmpdir(), "gatehouse-deleted-"));
  });
  after(async () => {
    await gh.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("logs the user out on its next request, with reason sessionRevoked", async () => {
    const first = gh.app({ storage: new DirectoryStorage(dir) });
    const email = uniqueEmail();
    await first.emailPasswordAuth.registerUser({ email, password: "secret123" });
    const cachedId = (await first.logIn(Credentials.emailPassword(email, "secret123"))).id;

    await gh.server.admin.deleteUser("todo-gatehouse", cachedId);

    // The app starts again and still believes in its cached user.
    const rec = recordingFetch();
    const app = gh.app({ storage: new DirectoryStorage(dir), fetch: rec.fetch });
    const user = app.currentUser!;
    assert.equal(user.id, cachedId);
    assert.equal(user.state, UserState.Active);
    const events: UserChangeEvent[] = [];
    user.addListener((e) => events.push(e));

    await assert.rejects(user.refreshProfile(), (err: unknown) => {
      assert.ok(err instanceof MongoDBRealmError);
      assert.equal(err.statusCode, 401);
      assert.equal(err.errorCode, "InvalidSession");
      return true;
    });
    assert.deepEqual(
      rec.requests.map((r) => `${r.method} ${r.path.replace(/.*v2\.0/, "")} ${r.status}`),
      ["GET /app/todo-gatehouse/location 200", "GET /auth/profile 401", "POST /auth/session 401"],
      "one refresh attempt, no retry loop",
    );
    assert.equal(user.state, UserState.LoggedOut);
    assert.equal(app.currentUser, null);
    assert.deepEqual(
      events.map((e) => (e.type === "loggedOut" ? e.reason : e.type)),
      ["sessionRevoked"],
    );

    const next = gh.app({ storage: new DirectoryStorage(dir) });
    assert.equal(next.allUsers[cachedId]?.state, UserState.LoggedOut, "the logout was cached");
    await assert.rejects(next.logIn(Credentials.emailPassword(email, "secret123")), { errorCode: "InvalidPassword" });
    await next.removeUser(next.allUsers[cachedId]!);
    assert.deepEqual(next.allUsers, {});
  });

  it("an anonymous user deleted on the server is removed from the device", async () => {
    const app = gh.app();
    const guest = await app.logIn(Credentials.anonymous());
    await gh.server.admin.deleteUser("todo-gatehouse", guest.id);
    await assert.rejects(guest.refreshProfile(), { statusCode: 401 });
    assert.equal(guest.state, UserState.Removed);
    assert.deepEqual(app.allUsers, {});
    const fresh = await app.logIn(Credentials.anonymous());
    assert.notEqual(fresh.id, guest.id, "a new anonymous user, not the deleted one");
  });
});
