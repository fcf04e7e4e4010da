/**
 * Google, Apple and Facebook token logins through @gatehouse/sdk against loopback identity providers
 * with real keys, and linking one onto an anonymous user.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { CLIENT_IDS } from "../../../server/test/helpers/provider-apps.ts";
import { useProviderServer } from "../../../server/test/helpers/provider-server.ts";
import { App, Credentials, MemoryStorage, MongoDBRealmError } from "../../src/index.ts";
import { startGatehouse } from "../helpers/server.ts";

describe("social credentials", () => {
  const ctx = useProviderServer((apps) =>
    startGatehouse({ apps: apps.dirs.map((dir) => ({ dir, id: dir.split("/").pop()! })), config: apps.config }),
  );

  const app = (id = "social") => new App({ id, baseUrl: ctx.server.url, storage: new MemoryStorage(), clock: ctx.server.clock });

  it("logs in with a Google id_token and auth code, an Apple id_token and a Facebook access token", async () => {
    const google = await app().logIn(
      Credentials.google({ idToken: await ctx.idp.googleIdToken({ aud: CLIENT_IDS.google, sub: "sdk-g", name: "Sid" }) }),
    );
    assert.equal(google.profile.name, "Sid");
    const code = ctx.idp.issueCode("google", { sub: "sdk-g" }, CLIENT_IDS.google);
    assert.equal((await app().logIn(Credentials.google({ authCode: code }))).id, google.id);
    const apple = await app().logIn(Credentials.apple(await ctx.idp.appleIdToken({ aud: CLIENT_IDS.apple, sub: "sdk-a" })));
    assert.equal(apple.providerType, "oauth2-apple");
    ctx.idp.facebookTokens.set("sdk-fb-token", {
      appId: ctx.idp.facebookAppId,
      valid: true,
      user: { id: "sdk-f", email: "f@example.com" },
    });
    const facebook = await app().logIn(Credentials.facebook("sdk-fb-token"));
    assert.deepEqual(
      facebook.identities.map((i) => i.id),
      ["sdk-f"],
    );
  });

  it("links Apple onto an anonymous user and reports a conflict with its reason", async () => {
    const guest = await app().logIn(Credentials.anonymous());
    const token = await ctx.idp.appleIdToken({ aud: CLIENT_IDS.apple, sub: "sdk-a-link" });
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
