/**
 * `Credentials.jwt` through @gatehouse/sdk against a Gatehouse with custom JWT apps and a loopback
 * JWK Set: login, refusals carrying the server's reason, and linking onto an anonymous user.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { SignJWT } from "jose";
import { signWith } from "../../../server/test/helpers/identity-providers.ts";
import { HS_KEYS } from "../../../server/test/helpers/provider-apps.ts";
import { useProviderServer } from "../../../server/test/helpers/provider-server.ts";
import { App, Credentials, MemoryStorage, MongoDBRealmError } from "../../src/index.ts";
import { startGatehouse } from "../helpers/server.ts";

describe("Credentials.jwt", () => {
  const ctx = useProviderServer((apps) =>
    startGatehouse({ apps: apps.dirs.map((dir) => ({ dir, id: dir.split("/").pop()! })), config: apps.config }),
  );

  const appFor = (id: string) => new App({ id, baseUrl: ctx.server.url, storage: new MemoryStorage(), clock: ctx.server.clock });
  const now = () => Math.floor(ctx.server.clock.now() / 1000);
  const hs = (claims: Record<string, unknown>) =>
    new SignJWT(claims)
      .setProtectedHeader({ alg: "HS256" })
      .setIssuedAt(now())
      .setExpirationTime(now() + 300)
      .sign(new TextEncoder().encode(HS_KEYS.jwtKeyA));

  it("logs in with HS256 and with an EdDSA key; the profile has the metadata", async () => {
    const user = await appFor("jwt-hs").logIn(Credentials.jwt(await hs({ sub: "sdk-1", aud: "jwt-hs", user: { name: "Lin" } })));
    assert.equal(user.providerType, "custom-token");
    assert.equal(user.profile.name, "Lin");
    const ed = await appFor("jwt-ed").logIn(
      Credentials.jwt(await signWith(ctx.idp.customKeys[2]!, { sub: "sdk-ed", aud: "jwt-ed", iat: now(), exp: now() + 60 })),
    );
    assert.equal(ed.identities[0]!.id, "sdk-ed");
  });

  it("surfaces refusals with errorCode, statusCode and the server's reason", async () => {
    const token = await hs({ sub: "sdk-2", aud: "jwt-hs" });
    const error = await appFor("jwt-hs")
      .logIn(Credentials.jwt(token))
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    assert.ok(error instanceof MongoDBRealmError);
    assert.deepEqual([error.statusCode, error.errorCode, error.reason], [401, "AuthError", "metadataMissing"]);
  });

  it("links a JWT onto an anonymous user, keeping the user id and refresh token", async () => {
    const app = appFor("jwt-hs");
    const guest = await app.logIn(Credentials.anonymous());
    const refresh = guest.refreshToken;
    await guest.linkCredentials(Credentials.jwt(await hs({ sub: "sdk-link", aud: "jwt-hs", user: { name: "Up" } })));
    assert.equal(guest.isAnonymous, false);
    assert.equal(guest.refreshToken, refresh);
    assert.equal(guest.profile.name, "Up");
  });
});
