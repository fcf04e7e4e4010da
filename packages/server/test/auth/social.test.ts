import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { describe, it } from "node:test";
import { exportSPKI, type JWTPayload } from "jose";
import { makeKey, signWith } from "../helpers/identity-providers.js";
import { CLIENT_IDS } from "../helpers/provider-apps.js";
import { useProviderServer } from "../helpers/provider-server.js";
import { call, startTestServer } from "../helpers/server.js";

/** Google, Apple and Facebook token logins against loopback providers with real keys. */
describe("social token logins", () => {
  const ctx = useProviderServer();

  const login = (appId: string, provider: string, body: Record<string, unknown>, on = ctx.server) =>
    call(`${on.api}/app/${appId}/auth/providers/${provider}/login`, { body });
  async function refused(res: Promise<{ status: number; body: any; text: string }>, reason: string, status = 401) {
    const r = await res;
    assert.equal(r.status, status, r.text);
    assert.equal(r.body.reason, reason, r.text);
    return r;
  }
  const profileOf = async (token: string) => (await call(`${ctx.server.api}/auth/profile`, { token })).body;
  const google = (claims: JWTPayload) => ctx.idp.googleIdToken({ aud: CLIENT_IDS.google, sub: "g-1", ...claims });

  describe("oauth2-google", () => {
    it("logs in with an OpenID id_token (either issuer spelling); the profile has the standard claims", async () => {
      const token = await google({ name: "Gina", given_name: "Gi", family_name: "Na", email: "gina@example.com", picture: "https://p/1" });
      const res = await login("social", "oauth2-google", { id_token: token });
      assert.equal(res.status, 200, res.text);
      const profile = await profileOf(res.body.access_token);
      assert.deepEqual(
        profile.identities.map((i: { id: string }) => i.id),
        ["g-1"],
      );
      assert.deepEqual(
        [profile.data.name, profile.data.first_name, profile.data.last_name, profile.data.email, profile.data.picture],
        ["Gina", "Gi", "Na", "gina@example.com", "https://p/1"],
      );
      const bare = await login("social", "oauth2-google", { id_token: await google({ iss: "accounts.google.com" }) });
      assert.equal(bare.body.user_id, res.body.user_id);
    });

    it("refuses a wrong issuer, audience, expiry, key, signature and algorithm", async () => {
      const now = Math.floor(Date.now() / 1000);
      await refused(login("social", "oauth2-google", { id_token: await google({ iss: "https://evil.example" }) }), "jwtIssuerMismatch");
      await refused(login("social", "oauth2-google", { id_token: await google({ aud: "someone-else" }) }), "jwtAudienceMismatch");
      await refused(login("social", "oauth2-google", { id_token: await google({ iat: now - 7200, exp: now - 3600 }) }), "jwtExpired");
      await refused(login("social", "oauth2-google", { id_token: await google({ nbf: now + 600 }) }), "jwtNotYetValid");
      const stranger = await makeKey("RS256", "not-google");
      await refused(
        login("social", "oauth2-google", {
          id_token: await signWith(stranger, { iss: "https://accounts.google.com", aud: CLIENT_IDS.google, sub: "x", exp: now + 60 }),
        }),
        "jwtKeyUnknown",
      );
      const forged = await signWith(
        stranger,
        { iss: "https://accounts.google.com", aud: CLIENT_IDS.google, sub: "x", exp: now + 60 },
        { kid: "google-1" },
      );
      await refused(login("social", "oauth2-google", { id_token: forged }), "jwtSignatureInvalid");
      const payload = Buffer.from(
        JSON.stringify({ iss: "https://accounts.google.com", aud: CLIENT_IDS.google, sub: "x", exp: now + 60 }),
      ).toString("base64url");
      const none = `${Buffer.from('{"alg":"none","kid":"google-1"}').toString("base64url")}.${payload}.`;
      await refused(login("social", "oauth2-google", { id_token: none }), "jwtAlgorithmRefused");
      const header = Buffer.from('{"alg":"HS256","kid":"google-1"}').toString("base64url");
      const mac = createHmac("sha256", await exportSPKI(ctx.idp.googleKeys[0]!.publicKey))
        .update(`${header}.${payload}`)
        .digest("base64url");
      await refused(login("social", "oauth2-google", { id_token: `${header}.${payload}.${mac}` }), "jwtAlgorithmRefused");
    });

    it("exchanges an authCode with the client secret and reads metadata_fields from userinfo (openId off)", async () => {
      const user = { sub: "g-code", name: "Cody", email: "cody@example.org", picture: "https://p/c", hd: "example.org" };
      const code = ctx.idp.issueCode("google", user, CLIENT_IDS.google);
      const res = await login("social-code", "oauth2-google", { authCode: code });
      assert.equal(res.status, 200, res.text);
      const sent = ctx.idp.tokenRequests.at(-1)!;
      assert.deepEqual(
        [sent.client_secret, sent.client_id, sent.grant_type, sent.redirect_uri],
        [ctx.idp.clientSecrets.google, CLIENT_IDS.google, "authorization_code", undefined],
      );
      const profile = await profileOf(res.body.access_token);
      assert.deepEqual([profile.data.name, profile.data.email, profile.data.picture], ["Cody", "cody@example.org", "https://p/c"]);
      await refused(login("social-code", "oauth2-google", { authCode: code }), "authCodeRejected");
      await refused(login("social-code", "oauth2-google", { id_token: await google({}) }), "googleOpenIdOff", 400);
    });

    it("checks hd against domain_restrictions and required metadata", async () => {
      const other = ctx.idp.issueCode("google", { sub: "g-hd", email: "x@elsewhere.com", hd: "elsewhere.com" }, CLIENT_IDS.google);
      await refused(login("social-code", "oauth2-google", { authCode: other }), "userDomainNotAllowed");
      const gmail = ctx.idp.issueCode("google", { sub: "g-nohd", email: "x@gmail.com" }, CLIENT_IDS.google);
      await refused(login("social-code", "oauth2-google", { authCode: gmail }), "userDomainNotAllowed");
      const noEmail = ctx.idp.issueCode("google", { sub: "g-noemail", hd: "example.org" }, CLIENT_IDS.google);
      await refused(login("social-code", "oauth2-google", { authCode: noEmail }), "metadataMissing");
    });

    it("answers 503 when the token endpoint or Google's keys are down or slow", async () => {
      for (const mode of ["down", "slow"] as const) {
        ctx.idp.apiMode = mode;
        const code = ctx.idp.issueCode("google", { sub: "g-503", email: "a@example.org", hd: "example.org" }, CLIENT_IDS.google);
        await refused(login("social-code", "oauth2-google", { authCode: code }), "identityProviderUnavailable", 503);
      }
      ctx.idp.apiMode = "ok";
      const cold = await startTestServer({ apps: ctx.apps.dirs, config: ctx.apps.config });
      try {
        ctx.idp.jwksMode = "slow";
        await refused(login("social", "oauth2-google", { id_token: await google({}) }, cold), "jwksUnavailable", 503);
      } finally {
        ctx.idp.jwksMode = "ok";
        await cold.close();
      }
    });
  });

  describe("oauth2-apple", () => {
    const apple = (claims: JWTPayload, key = ctx.idp.appleKeys[0]!) =>
      ctx.idp.appleIdToken({ aud: CLIENT_IDS.apple, sub: "a-1", ...claims }, key);

    it("logs in with ES256 and RS256 id_tokens; the email reaches the profile", async () => {
      const res = await login("social", "oauth2-apple", { id_token: await apple({ email: "relay@privaterelay.appleid.com" }) });
      assert.equal(res.status, 200, res.text);
      assert.equal((await profileOf(res.body.access_token)).data.email, "relay@privaterelay.appleid.com");
      const rsa = await login("social", "oauth2-apple", { id_token: await apple({}, ctx.idp.appleKeys[1]!) });
      assert.equal(rsa.body.user_id, res.body.user_id);
    });

    it("refuses another issuer, audience, an expired token and a missing id_token", async () => {
      const now = Math.floor(Date.now() / 1000);
      await refused(
        login("social", "oauth2-apple", { id_token: await apple({ iss: "https://accounts.google.com" }) }),
        "jwtIssuerMismatch",
      );
      await refused(login("social", "oauth2-apple", { id_token: await apple({ aud: "com.other.app" }) }), "jwtAudienceMismatch");
      await refused(login("social", "oauth2-apple", { id_token: await apple({ iat: now - 1200, exp: now - 600 }) }), "jwtExpired");
      await refused(login("social", "oauth2-apple", {}), "missingParameter", 400);
    });
  });

  describe("oauth2-facebook", () => {
    const token = (user: Record<string, unknown>, appId = ctx.idp.facebookAppId, valid = true) => {
      const value = `fb-user-${Math.random().toString(36).slice(2)}`;
      ctx.idp.facebookTokens.set(value, { appId, valid, user });
      return value;
    };

    it("checks the token with debug_token and the app token, then reads /me for metadata_fields", async () => {
      const res = await login("social", "oauth2-facebook", {
        accessToken: token({ id: "f-1", name: "Fay", email: "fay@example.com", first_name: "Fay" }),
      });
      assert.equal(res.status, 200, res.text);
      const profile = await profileOf(res.body.access_token);
      assert.deepEqual(
        profile.identities.map((i: { id: string }) => i.id),
        ["f-1"],
      );
      assert.deepEqual([profile.data.name, profile.data.email, profile.data.first_name], ["Fay", "fay@example.com", "Fay"]);
      assert.ok((ctx.idp.hits.get("/graph/v19.0/debug_token") ?? 0) >= 1);
    });

    it("refuses an invalid token, another app's token and a missing required field", async () => {
      await refused(login("social", "oauth2-facebook", { accessToken: "never-issued" }), "facebookTokenInvalid");
      await refused(
        login("social", "oauth2-facebook", { accessToken: token({ id: "f-2", email: "a@b.c" }, "other-app") }),
        "facebookTokenInvalid",
      );
      await refused(
        login("social", "oauth2-facebook", { accessToken: token({ id: "f-3", email: "a@b.c" }, undefined, false) }),
        "facebookTokenInvalid",
      );
      await refused(login("social", "oauth2-facebook", { accessToken: token({ id: "f-4", name: "No Mail" }) }), "metadataMissing");
    });

    it("names a wrong app secret as the operator's problem, and a Graph outage as 503", async () => {
      const wrong = structuredClone(ctx.apps.config);
      wrong.apps!["social"]!.secrets!["facebookSecret"] = "not-the-secret";
      const misconfigured = await startTestServer({ apps: ctx.apps.dirs, config: wrong });
      try {
        await refused(
          login("social", "oauth2-facebook", { accessToken: token({ id: "f-5", email: "a@b.c" }) }, misconfigured),
          "providerMisconfigured",
          500,
        );
      } finally {
        await misconfigured.close();
      }
      ctx.idp.apiMode = "slow";
      try {
        await refused(
          login("social", "oauth2-facebook", { accessToken: token({ id: "f-6", email: "a@b.c" }) }),
          "identityProviderUnavailable",
          503,
        );
      } finally {
        ctx.idp.apiMode = "ok";
      }
    });
  });

  it("keeps identities per (provider, external id): the same email on Google and Facebook makes two users", async () => {
    const g = await login("social", "oauth2-google", { id_token: await google({ sub: "g-same", email: "same@example.com" }) });
    const f = await login("social", "oauth2-facebook", { accessToken: token2({ id: "f-same", email: "same@example.com" }) });
    assert.notEqual(g.body.user_id, f.body.user_id);
  });

  function token2(user: Record<string, unknown>): string {
    const value = `fb-user-${Math.random().toString(36).slice(2)}`;
    ctx.idp.facebookTokens.set(value, { appId: ctx.idp.facebookAppId, valid: true, user });
    return value;
  }
});
