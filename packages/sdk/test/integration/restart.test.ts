/**
 * Cached login on the next start: a new `App` over the same Node storage directory restores the users,
 * tokens, profile and device id without a single request, and carries on from there.
 */
import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { Credentials, UserState } from "../../src/index.ts";
import { DirectoryStorage } from "../../src/node/index.ts";
import { recordingFetch, startGatehouse, uniqueEmail, type TestGatehouse } from "../helpers/server.ts";

describe("restart over the same storage directory", () => {
  let gh: TestGatehouse;
  let dir: string;
  before(async () => {
    gh = await startGatehouse();
    dir = mkdtempSync(join(tmpdir(), "gatehouse-restart-"));
  });
  after(async () => {
    await gh.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("restores currentUser, allUsers, tokens, profile and device id with no network call", async () => {
    const cache = join(dir, "restore");
    const first = gh.app({ storage: new DirectoryStorage(cache) });
    const email = uniqueEmail();
    await first.emailPasswordAuth.registerUser({ email, password: "secret123" });
    const guest = await first.logIn(Credentials.anonymous());
    const ada = await first.logIn(Credentials.emailPassword(email, "secret123"));

    assert.deepEqual(readdirSync(cache), ["app-todo-gatehouse.json"]);
    assert.equal(statSync(join(cache, "app-todo-gatehouse.json")).mode & 0o777, 0o600);

    // "Restart": a new App, new storage object, same directory.
    const rec = recordingFetch();
    const second = gh.app({ storage: new DirectoryStorage(cache), fetch: rec.fetch });
    const restored = second.currentUser;
    assert.ok(restored);
    assert.equal(restored.id, ada.id);
    assert.deepEqual(Object.keys(second.allUsers), [ada.id, guest.id]);
    assert.equal(restored.state, UserState.Active);
    assert.equal(restored.accessToken, ada.accessToken);
    assert.equal(restored.refreshToken, ada.refreshToken);
    assert.equal(restored.providerType, "local-userpass");
    assert.deepEqual(restored.profile, ada.profile);
    assert.deepEqual(restored.identities, ada.identities);
    assert.equal(restored.deviceId, ada.deviceId);
    assert.deepEqual(restored.customData, {});
    assert.equal(rec.requests.length, 0, "restoring made no request");

    // Anonymous login reuses the cached anonymous user, still without a request.
    const anon = await second.logIn(Credentials.anonymous());
    assert.equal(anon.id, guest.id);
    assert.equal(rec.requests.length, 0);

    // The restored session works.
    await restored.refreshProfile();
    assert.equal(restored.profile.email, email);
  });

  it("restores a logged-out user as logged out, and forgets a removed one", async () => {
    const cache = join(dir, "logged-out");
    const first = gh.app({ storage: new DirectoryStorage(cache) });
    const email = uniqueEmail();
    await first.emailPasswordAuth.registerUser({ email, password: "secret123" });
    const user = await first.logIn(Credentials.emailPassword(email, "secret123"));
    const other = await first.logIn(Credentials.anonymous());
    await user.logOut();
    const second = gh.app({ storage: new DirectoryStorage(cache) });
    assert.equal(second.allUsers[user.id]?.state, UserState.LoggedOut);
    assert.equal(second.allUsers[user.id]?.accessToken, null);
    assert.equal(second.currentUser?.id, other.id);
    await second.removeUser(second.currentUser!);
    const third = gh.app({ storage: new DirectoryStorage(cache) });
    assert.deepEqual(Object.keys(third.allUsers), [user.id]);
    assert.equal(third.currentUser, null);
  });

  it("refreshed access tokens are cached too, so a restart does not refresh again", async () => {
    const cache = join(dir, "refreshed");
    const first = gh.app({ storage: new DirectoryStorage(cache) });
    const user = await first.logIn(Credentials.anonymous());
    gh.clock.advance(31 * 60_000);
    await user.refreshProfile(); // refreshes first: the token was about to expire
    const rec = recordingFetch();
    const second = gh.app({ storage: new DirectoryStorage(cache), fetch: rec.fetch });
    assert.equal(second.currentUser?.accessToken, user.accessToken);
    await second.currentUser!.refreshProfile();
    assert.deepEqual(
      rec.requests.map((r) => r.path.replace(/.*v2\.0/, "")),
      ["/app/todo-gatehouse/location", "/auth/profile"],
    );
  });
});
