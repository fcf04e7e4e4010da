/**
 * realm-web@2.0.1 `Credentials.jwt` against a listening Gatehouse and a loopback JWK Set: login,
 * refusals as realm-web surfaces them, and linking a custom JWT onto an anonymous user.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { SignJWT } from "jose";
import * as Realm from "realm-web";
import { signWith } from "../../packages/server/test/helpers/identity-providers.js";
import { HS_KEYS } from "../../packages/server/test/helpers/provider-apps.js";
import { useProviderServer } from "../../packages/server/test/helpers/provider-server.js";
import { newApp, rejectsRealm } from "./helpers.js";

const ctx = useProviderServer();

const now = () => Math.floor(ctx.server.clock.now() / 1000);

test("Credentials.jwt logs in with an HS256 token and a JWK Set token; metadata reaches user.profile", async () => {
  const { app } = newApp(ctx.server, "jwt-hs");
  const token = await new SignJWT({ sub: "rw-1", aud: "jwt-hs", user: { name: "Grace" }, email: "grace@example.com" })
    .setProtectedHeader({ alg: "HS256" })
    .setIssuedAt(now())
    .setExpirationTime(now() + 300)
    .sign(new TextEncoder().encode(HS_KEYS.jwtKeyB));
  const user = await app.logIn(Realm.Credentials.jwt(token));
  assert.equal(user.providerType, "custom-token");
  assert.deepEqual(user.identities, [{ id: "rw-1", providerType: "custom-token" }]);
  assert.equal(user.profile.name, "Grace");
  assert.equal(user.profile.email, "grace@example.com");

  const { app: jwks } = newApp(ctx.server, "jwt-jwks");
  const viaSet = await jwks.logIn(
    Realm.Credentials.jwt(await signWith(ctx.idp.customKeys[0]!, { sub: "rw-2", aud: "jwt-jwks", iat: now(), exp: now() + 300 })),
  );
  assert.equal(viaSet.identities[0]!.id, "rw-2");
});

test("refusals reach realm-web as AuthError 401 'invalid custom auth token: …', and 503 when the keys are unreachable", async () => {
  const { app } = newApp(ctx.server, "jwt-rs");
  const expired = await signWith(ctx.idp.customKeys[0]!, { sub: "rw-3", aud: ["aud-1", "aud-2"], iat: now() - 600, exp: now() - 300 });
  await rejectsRealm(app.logIn(Realm.Credentials.jwt(expired)), {
    errorCode: "AuthError",
    statusCode: 401,
    error: "invalid custom auth token: token expired",
  });
  const none = `${Buffer.from('{"alg":"none"}').toString("base64url")}.${Buffer.from(JSON.stringify({ sub: "x", exp: now() + 60 })).toString("base64url")}.`;
  await rejectsRealm(app.logIn(Realm.Credentials.jwt(none)), {
    errorCode: "AuthError",
    statusCode: 401,
    error: /algorithm "none" is not allowed/,
  });
  assert.equal(app.currentUser, null);
});

test("linkCredentials adds a custom JWT to an anonymous user, who keeps its id and session", async () => {
  const { app } = newApp(ctx.server, "jwt-hs");
  const guest = await app.logIn(Realm.Credentials.anonymous());
  const refreshToken = guest.refreshToken;
  const token = await new SignJWT({ sub: "rw-link", aud: "jwt-hs", user: { name: "Linked" } })
    .setProtectedHeader({ alg: "HS256" })
    .setIssuedAt(now())
    .setExpirationTime(now() + 300)
    .sign(new TextEncoder().encode(HS_KEYS.jwtKeyA));
  await guest.linkCredentials(Realm.Credentials.jwt(token));
  assert.deepEqual(
    guest.identities.map((i) => i.providerType),
    ["anon-user", "custom-token"],
  );
  assert.equal(guest.refreshToken, refreshToken);
  assert.equal(guest.profile.name, "Linked");
  const { app: elsewhere } = newApp(ctx.server, "jwt-hs");
  const again = await elsewhere.logIn(Realm.Credentials.jwt(token));
  assert.equal(again.id, guest.id, "the JWT now logs in the upgraded user");
});
