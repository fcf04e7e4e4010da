/**
 * realm-web@2.0.1 `Credentials.google/apple/facebook` (token forms) against a listening Gatehouse and
 * loopback Google, Apple and Facebook; linking each onto an anonymous user, which keeps its id, its
 * custom user data and can then create API keys.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import * as Realm from "realm-web";
import { CLIENT_IDS } from "../../packages/server/test/helpers/provider-apps.js";
import { useProviderServer } from "../../packages/server/test/helpers/provider-server.js";
import { newApp, rejectsRealm } from "./helpers.js";

const ctx = useProviderServer();

const googleToken = (sub: string, extra: Record<string, unknown> = {}) => ctx.idp.googleIdToken({ aud: CLIENT_IDS.google, sub, ...extra });
const appleToken = (sub: string) => ctx.idp.appleIdToken({ aud: CLIENT_IDS.apple, sub, email: `${sub}@privaterelay.appleid.com` });
function facebookToken(id: string): string {
  const token = `fb-${id}-${Math.random().toString(36).slice(2)}`;
  ctx.idp.facebookTokens.set(token, {
    appId: ctx.idp.facebookAppId,
    valid: true,
    user: { id, name: `FB ${id}`, email: `${id}@example.com` },
  });
  return token;
}

test("Credentials.google({ idToken }), google({ authCode }), apple(idToken) and facebook(accessToken) log in", async () => {
  const { app } = newApp(ctx.server, "social");
  const viaIdToken = await app.logIn(
    Realm.Credentials.google({ idToken: await googleToken("rw-g", { name: "Gus", email: "gus@example.com" }) }),
  );
  assert.equal(viaIdToken.providerType, "oauth2-google");
  assert.equal(viaIdToken.profile.name, "Gus");
  const code = ctx.idp.issueCode("google", { sub: "rw-g" }, CLIENT_IDS.google);
  const viaCode = await newApp(ctx.server, "social").app.logIn(Realm.Credentials.google({ authCode: code }));
  assert.equal(viaCode.id, viaIdToken.id, "the code exchange yields the same Google identity");

  const apple = await newApp(ctx.server, "social").app.logIn(Realm.Credentials.apple(await appleToken("rw-a")));
  assert.deepEqual(apple.identities, [{ id: "rw-a", providerType: "oauth2-apple" }]);
  const facebook = await newApp(ctx.server, "social").app.logIn(Realm.Credentials.facebook(facebookToken("rw-f")));
  assert.equal(facebook.profile.email, "rw-f@example.com");
});

test("refusals reach realm-web as AuthError with the status, and the user stays logged out", async () => {
  const { app } = newApp(ctx.server, "social");
  await rejectsRealm(app.logIn(Realm.Credentials.google({ idToken: await googleToken("rw-bad", { aud: "another-client" }) })), {
    errorCode: "AuthError",
    statusCode: 401,
    error: "invalid oauth2-google id_token: audience mismatch",
  });
  await rejectsRealm(app.logIn(Realm.Credentials.facebook("never-issued")), { errorCode: "AuthError", statusCode: 401 });
  assert.equal(app.currentUser, null);
});

for (const [name, credentials] of [
  ["google", async () => Realm.Credentials.google({ idToken: await googleToken(`up-g-${Date.now()}`) })],
  ["apple", async () => Realm.Credentials.apple(await appleToken(`up-a-${Date.now()}`))],
  ["facebook", async () => Realm.Credentials.facebook(facebookToken(`up-f-${Date.now()}`))],
] as const) {
  test(`linking ${name} onto an anonymous user keeps its id, session and custom user data, and allows API keys`, async () => {
    const { app } = newApp(ctx.server, "social");
    const guest = await app.logIn(Realm.Credentials.anonymous());
    const refreshToken = guest.refreshToken;
    const socialApp = ctx.server.services.apps.get("social")!;
    await ctx.server.services.functions
      .dataService(socialApp, "mongodb-atlas")!
      .collection("app", "users")
      .insertOne({ user_id: guest.id, plan: "gold" });
    await guest.refreshCustomData();
    assert.equal(guest.customData.plan, "gold");
    await assert.rejects(guest.apiKeys.create("too-early"), (e: Realm.MongoDBRealmError) => e.statusCode === 403);

    const linked = await credentials();
    await guest.linkCredentials(linked);
    assert.deepEqual(
      guest.identities.map((i) => i.providerType),
      ["anon-user", `oauth2-${name}`],
    );
    assert.equal(guest.refreshToken, refreshToken, "the refresh token stays valid");
    await guest.refreshCustomData();
    assert.equal(guest.customData.plan, "gold", "custom user data is kept");
    const key = await guest.apiKeys.create("after-upgrade");
    assert.equal(typeof key.key, "string");

    // The same identity again: a no-op. On another user: refused, and that user stays logged in.
    await guest.linkCredentials(linked);
    assert.equal(guest.identities.length, 2);
    const { app: otherApp } = newApp(ctx.server, "social");
    const other = await otherApp.logIn(Realm.Credentials.anonymous());
    await rejectsRealm(other.linkCredentials(linked), { errorCode: "AccountNameInUse", statusCode: 409 });
    assert.equal(other.state, "active");
  });
}
