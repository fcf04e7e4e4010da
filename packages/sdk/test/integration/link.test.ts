/**
 * Linking: an anonymous user gains an email/password identity and becomes a permanent user.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { Credentials, MongoDBRealmError, UserState } from "../../src/index.ts";
import { startGatehouse, uniqueEmail, type TestGatehouse } from "../helpers/server.ts";

describe("linkCredentials", () => {
  let gh: TestGatehouse;
  before(async () => {
    gh = await startGatehouse();
  });
  after(() => gh.close());

  it("links email/password to an anonymous user, which then survives logout", async () => {
    const app = gh.app();
    const guest = await app.logIn(Credentials.anonymous());
    const refreshToken = guest.refreshToken;
    const events: string[] = [];
    guest.addListener((e) => events.push(e.type));
    const email = uniqueEmail();
    await app.emailPasswordAuth.registerUser({ email, password: "secret123" });
    await guest.linkCredentials(Credentials.emailPassword(email, "secret123"));
    assert.deepEqual(
      guest.identities.map((i) => i.providerType),
      ["anon-user", "local-userpass"],
    );
    assert.equal(guest.isAnonymous, false);
    assert.equal(guest.refreshToken, refreshToken, "the session is kept");
    assert.deepEqual(events, ["profileRefreshed", "linked"]);
    await guest.logOut();
    assert.equal(guest.state, UserState.LoggedOut, "no longer anonymous: kept after logout");
    const again = await app.logIn(Credentials.emailPassword(email, "secret123"));
    assert.equal(again, guest);
  });

  it("refuses to link an identity owned by another user, and the linking user stays logged in", async () => {
    // App Services answered this with 401 InvalidSession (PROTOCOL §3.4), which realm-web retried forever;
    // Gatehouse answers 409 AccountNameInUse (docs/protocol-notes.md F1): no refresh, no retry.
    const app = gh.app();
    const email = uniqueEmail();
    await app.emailPasswordAuth.registerUser({ email, password: "secret123" });
    await app.logIn(Credentials.emailPassword(email, "secret123"));
    const guest = await app.logIn(Credentials.anonymous());
    await assert.rejects(guest.linkCredentials(Credentials.emailPassword(email, "secret123")), (err: unknown) => {
      assert.ok(err instanceof MongoDBRealmError);
      assert.equal(err.statusCode, 409);
      assert.equal(err.errorCode, "AccountNameInUse");
      return true;
    });
    assert.equal(guest.isAnonymous, true);
    assert.equal(guest.state, UserState.Active);
    assert.equal(await gh.countEvents("refresh", guest.id), 0, "a 409 needs no refresh");
    await guest.refreshProfile();
  });

  it("a wrong password on link fails at once: no refresh, no second attempt", async () => {
    const app = gh.app();
    const email = uniqueEmail();
    await app.emailPasswordAuth.registerUser({ email, password: "secret123" });
    const guest = await app.logIn(Credentials.anonymous());
    await assert.rejects(guest.linkCredentials(Credentials.emailPassword(email, "wrong-password")), (err: unknown) => {
      assert.ok(err instanceof MongoDBRealmError);
      assert.equal(err.errorCode, "InvalidPassword");
      return true;
    });
    assert.equal(await gh.countEvents("refresh", guest.id), 0, "InvalidPassword is not a stale token");
    const attempts = await gh.countEvents("link", guest.id);
    assert.equal(attempts, 1, "one link attempt reached the server");
    assert.equal(guest.state, UserState.Active);
  });

  it("refuses to link anonymous credentials", async () => {
    const app = gh.app();
    const email = uniqueEmail();
    await app.emailPasswordAuth.registerUser({ email, password: "secret123" });
    const user = await app.logIn(Credentials.emailPassword(email, "secret123"));
    await assert.rejects(user.linkCredentials(Credentials.anonymous()), { statusCode: 400 });
  });
});
