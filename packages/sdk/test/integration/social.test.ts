/**
 * Google, Apple and Facebook token logins through @gatehouse/sdk against loopback identity providers
 * with real keys, and linking one onto an anonymous user.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { LoopbackIdentityProviders } from "../../../server/test/helpers/identity-providers.ts";
import { CLIENT_IDS, writeProviderApps, type ProviderApps } from "../../../server/test/helpers/provider-apps.ts";
import { App, Credentials, MemoryStorage, MongoDBRealmError } from "../../src/index.ts";
import { startGatehouse, type TestGatehouse } from "../helpers/server.ts";

describe("social credentials", () => {
  let idp: LoopbackIdentityProviders;
  let apps: ProviderApps;
  let gh: TestGatehouse;
  before(async () => {
    idp = await LoopbackIdentityProviders.start();
    apps = await writeProviderApps(idp);
    gh = await startGatehouse({ apps: apps.dirs.map((dir) => ({ dir, id: dir.split("/").pop()! })), config: apps.config });
  });
  after(async () => {
    await gh.close();
    await idp.close();
    await apps.close();
  });

  const app = (id = "social") => new App({ id, baseUrl: gh.url, storage: new MemoryStorage(), clock: gh.clock });

  it("logs in with a Google id_token and auth code, an Apple id_token and a Facebook access token", async () => {
    const google = await app().logIn(
      Credentials.google({ idToken: await idp.googleIdToken({ aud: CLIENT_IDS.google, sub: "sdk-g", name: "Sid" }) }),
    );
    assert.equal(google.profile.name, "Sid");
    const code = idp.issueCode("google", { sub: "sdk-g" }, CLIENT_IDS.google);
    assert.equal((await app().logIn(Credentials.google({ authCode: code }))).id, google.id);
    const apple = await app().logIn(Credentials.apple(await idp.appleIdToken({ aud: CLIENT_IDS.apple, sub: "sdk-a" })));
    assert.equal(apple.providerType, "oauth2-apple");
    idp.facebookTokens.set("sdk-fb-token", { appId: idp.facebookAppId, valid: true, user: { id: "sdk-f", email: "f@example.com" } });
    const facebook = await app().logIn(Credentials.facebook("sdk-fb-token"));
    assert.deepEqual(
      facebook.identities.map((i) => i.id),
      ["sdk-f"],
    );
  });

  it("links Apple onto an anonymous user and reports a conflict with its reason", async () => {
    const guest = await app().logIn(Credentials.anonymous());
    const token = await idp.appleIdToken({ aud: CLIENT_IDS.apple, sub: "sdk-a-link" });
    await guest.linkCredentials(Credentials.apple(token));
    assert.equal(guest.isAnonymous, false);
    const other = await app().logIn(Credentials.anonymous());
    const error = await other.linkCredentials(Credentials.apple(token)).then(
      () => undefined,
      (e: unknown) => e,
    );
    assert.ok(error instanceof MongoDBRealmError);
    assert.deepEqual([error.statusCode, error.errorCode, error.reason], [409, "AccountNameInUse", "identityInUse"]);
  });
});
