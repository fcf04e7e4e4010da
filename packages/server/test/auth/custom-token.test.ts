import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { describe, it } from "node:test";
import { exportSPKI, SignJWT, type JWTPayload } from "jose";
import { makeKey, signWith, type TestKey } from "../helpers/identity-providers.js";
import { HS_KEYS } from "../helpers/provider-apps.js";
import { useProviderServer } from "../helpers/provider-server.js";
import { call, startTestServer } from "../helpers/server.js";

/** custom-token against real keys: HS256 secrets, RS256/ES256/EdDSA public keys, and a loopback JWK Set. */
describe("custom-token logins", () => {
  const ctx = useProviderServer();

  const now = () => Math.floor(ctx.server.clock.now() / 1000);
  const claims = (extra: JWTPayload = {}): JWTPayload => ({ sub: "ext-1", iat: now(), exp: now() + 300, ...extra });
  const hs = (secret: string, payload: JWTPayload, alg = "HS256") =>
    new SignJWT(payload).setProtectedHeader({ alg }).sign(new TextEncoder().encode(secret));
  const login = (appId: string, token: string) =>
    call(`${ctx.server.api}/app/${appId}/auth/providers/custom-token/login`, { body: { token } });
  async function refused(appId: string, token: string, reason: string, status = 401) {
    const res = await login(appId, token);
    assert.equal(res.status, status, res.text);
    assert.equal(res.body.reason, reason, res.text);
    assert.equal(res.body.error_code, status === 500 ? "InternalServerError" : "AuthError");
    if (status === 401) assert.match(res.body.error, /^invalid custom auth token: /);
    return res;
  }

  it("logs in with HS256 under either rotation key; sub is the identity; metadata lands in the profile", async () => {
    const hsApp = { aud: "jwt-hs", user: { name: "Ada" }, email: "ada@example.com", org: { id: "o-1" } };
    const first = await login("jwt-hs", await hs(HS_KEYS.jwtKeyA, claims(hsApp)));
    assert.equal(first.status, 200, first.text);
    const again = await login("jwt-hs", await hs(HS_KEYS.jwtKeyB, claims(hsApp)));
    assert.equal(again.body.user_id, first.body.user_id);
    const profile = await call(`${ctx.server.api}/auth/profile`, { token: again.body.access_token });
    assert.deepEqual(
      profile.body.identities.map((i: { id: string; provider_type: string }) => [i.id, i.provider_type]),
      [["ext-1", "custom-token"]],
    );
    assert.equal(profile.body.data.name, "Ada");
    assert.equal(profile.body.data.email, "ada@example.com");
    assert.equal(profile.body.data.org, "o-1");
  });

  it("refreshes metadata at each login", async () => {
    const token = (name: string) => hs(HS_KEYS.jwtKeyA, claims({ sub: "ext-refresh", aud: "jwt-hs", user: { name } }));
    await login("jwt-hs", await token("Before"));
    const after = await login("jwt-hs", await token("After"));
    const profile = await call(`${ctx.server.api}/auth/profile`, { token: after.body.access_token });
    assert.equal(profile.body.data.name, "After");
  });

  it("refuses a missing required metadata field, a missing sub, and a token for another audience", async () => {
    await refused("jwt-hs", await hs(HS_KEYS.jwtKeyA, claims({ aud: "jwt-hs" })), "metadataMissing");
    const noSub = claims({ aud: "jwt-hs", user: { name: "x" } });
    delete noSub.sub;
    await refused("jwt-hs", await hs(HS_KEYS.jwtKeyA, noSub), "jwtSubjectMissing");
    // No audience configured: the token must name the client app id.
    await refused("jwt-hs", await hs(HS_KEYS.jwtKeyA, claims({ aud: "other-app", user: { name: "x" } })), "jwtAudienceMismatch");
    await refused("jwt-hs", await hs(HS_KEYS.jwtKeyA, claims({ user: { name: "x" } })), "jwtAudienceMismatch");
  });

  it("checks exp, nbf and iat with a small leeway", async () => {
    const base = { aud: "jwt-hs", user: { name: "x" } };
    await refused("jwt-hs", await hs(HS_KEYS.jwtKeyA, claims({ ...base, exp: now() - 60 })), "jwtExpired");
    const withinLeeway = await login("jwt-hs", await hs(HS_KEYS.jwtKeyA, claims({ ...base, exp: now() - 3 })));
    assert.equal(withinLeeway.status, 200);
    await refused("jwt-hs", await hs(HS_KEYS.jwtKeyA, claims({ ...base, nbf: now() + 120 })), "jwtNotYetValid");
    await refused("jwt-hs", await hs(HS_KEYS.jwtKeyA, claims({ ...base, iat: now() + 120 })), "jwtNotYetValid");
    const noExp = claims(base);
    delete noExp.exp;
    await refused("jwt-hs", await hs(HS_KEYS.jwtKeyA, noExp), "jwtMalformed");
    // The server clock decides: travelling past exp refuses a token that was good.
    const token = await hs(HS_KEYS.jwtKeyA, claims({ ...base, exp: now() + 60 }));
    ctx.server.clock.advance(120_000);
    await refused("jwt-hs", token, "jwtExpired");
  });

  it("refuses a tampered signature, an unknown secret and garbage", async () => {
    const good = await hs(HS_KEYS.jwtKeyA, claims({ aud: "jwt-hs", user: { name: "x" } }));
    const [h, p] = good.split(".");
    const forged = Buffer.from(JSON.stringify({ ...claims({ aud: "jwt-hs", user: { name: "x" } }), sub: "admin" })).toString("base64url");
    await refused("jwt-hs", `${h}.${forged}.${good.split(".")[2]}`, "jwtSignatureInvalid");
    await refused("jwt-hs", await hs("z".repeat(40), claims({ aud: "jwt-hs", user: { name: "x" } })), "jwtSignatureInvalid");
    await refused("jwt-hs", `${h}.${p}`, "jwtMalformed");
    await refused("jwt-hs", "not.a.jwt", "jwtMalformed");
  });

  it("pins the algorithm: alg none, HS256 signed with the RSA public key, and another algorithm are refused", async () => {
    const payload = Buffer.from(JSON.stringify(claims({ aud: ["aud-1", "aud-2"] }))).toString("base64url");
    const none = `${Buffer.from(JSON.stringify({ alg: "none", typ: "JWT" })).toString("base64url")}.${payload}.`;
    await refused("jwt-rs", none, "jwtAlgorithmRefused");
    // The confusion attack: the public key (which anyone may hold) used as an HMAC secret.
    const pem = await exportSPKI(ctx.idp.customKeys[0]!.publicKey);
    const header = Buffer.from(JSON.stringify({ alg: "HS256", typ: "JWT" })).toString("base64url");
    const mac = createHmac("sha256", pem).update(`${header}.${payload}`).digest("base64url");
    await refused("jwt-rs", `${header}.${payload}.${mac}`, "jwtAlgorithmRefused");
    await refused("jwt-rs", await signWith(ctx.idp.customKeys[1]!, claims({ aud: ["aud-1", "aud-2"] })), "jwtAlgorithmRefused");
    await refused("jwt-hs", await signWith(ctx.idp.customKeys[0]!, claims({ aud: "jwt-hs", user: { name: "x" } })), "jwtAlgorithmRefused");
    await refused("jwt-hs", await hs(HS_KEYS.jwtKeyA, claims({ aud: "jwt-hs", user: { name: "x" } }), "HS512"), "jwtAlgorithmRefused");
  });

  it("serves RS256, ES256 and EdDSA public keys, with all-of and any-of audiences", async () => {
    const [rsa, ec, ed] = ctx.idp.customKeys as [TestKey, TestKey, TestKey];
    assert.equal((await login("jwt-rs", await signWith(rsa, claims({ aud: ["aud-1", "aud-2"] }), { kid: null }))).status, 200);
    await refused("jwt-rs", await signWith(rsa, claims({ aud: ["aud-1"] })), "jwtAudienceMismatch");
    assert.equal((await login("jwt-es", await signWith(ec, claims({ aud: "aud-2" })))).status, 200);
    await refused("jwt-es", await signWith(ec, claims({ aud: "aud-3" })), "jwtAudienceMismatch");
    assert.equal((await login("jwt-ed", await signWith(ed, claims({ aud: "jwt-ed" })))).status, 200);
    const otherEc = await makeKey("ES256", "not-configured");
    await refused("jwt-es", await signWith(otherEc, claims({ aud: "aud-2" })), "jwtSignatureInvalid");
  });

  it("fetches the JWK Set once, caches it, and re-fetches for an unknown kid at most once a minute", async () => {
    const token = (key: TestKey, extra: JWTPayload = {}) => signWith(key, claims({ aud: "jwt-jwks", ...extra }));
    const rsa = ctx.idp.customKeys[0]!;
    assert.equal((await login("jwt-jwks", await token(rsa))).status, 200);
    assert.equal((await login("jwt-jwks", await token(rsa, { sub: "ext-2" }))).status, 200);
    const fetches = () => ctx.idp.hits.get("/custom/jwks") ?? 0;
    const afterFirst = fetches();
    // A key the issuer has not published yet: refused, and within the minute no second fetch.
    const rotated = await makeKey("RS256", "custom-rsa-2");
    await refused("jwt-jwks", await token(rotated), "jwtKeyUnknown");
    await refused("jwt-jwks", await token(rotated), "jwtKeyUnknown");
    assert.equal(fetches(), afterFirst);
    // The issuer rotates; a minute later the unknown kid fetches the set once more and is found.
    ctx.idp.customKeys.push(rotated);
    ctx.server.clock.advance(61_000);
    assert.equal((await login("jwt-jwks", await token(rotated))).status, 200);
    assert.equal(fetches(), afterFirst + 1);
    await refused("jwt-jwks", await token(await makeKey("RS256", "custom-rsa-3")), "jwtKeyUnknown");
    assert.equal(fetches(), afterFirst + 1);
    // A kid-less token is matched against the set's keys by type.
    assert.equal((await login("jwt-jwks-es", await signWith(ctx.idp.customKeys[1]!, claims({ aud: "jwt-jwks-es" })))).status, 200);
  });

  it("answers 503 quickly when the JWK Set is down, slow or not a key set, and recovers by itself", async () => {
    // A fresh server: its cache is cold (and its clock has not travelled).
    const cold = await startTestServer({ apps: ctx.apps.dirs, config: ctx.apps.config });
    const at = Math.floor(cold.clock.now() / 1000);
    const token = await signWith(ctx.idp.customKeys[1]!, { sub: "ext-cold", aud: "jwt-jwks-es", iat: at, exp: at + 300 });
    try {
      const loginCold = () => call(`${cold.api}/app/jwt-jwks-es/auth/providers/custom-token/login`, { body: { token } });
      for (const mode of ["down", "slow", "garbage"] as const) {
        ctx.idp.jwksMode = mode;
        const res = await loginCold();
        assert.equal(res.status, 503, `${mode}: ${res.text}`);
        assert.equal(res.body.reason, "jwksUnavailable");
      }
      ctx.idp.jwksMode = "ok";
      const back = await loginCold();
      assert.equal(back.status, 200, back.text);
    } finally {
      ctx.idp.jwksMode = "ok";
      await cold.close();
    }
  });

  it("names a secret missing from the server config (500, the operator's to fix)", async () => {
    const res = await refused("jwt-broken", await hs(HS_KEYS.jwtKeyA, claims({ aud: "jwt-broken" })), "providerMisconfigured", 500);
    assert.match(res.body.error, /notConfigured/);
    assert.ok(
      ctx.server.report.some((line) => line.includes("warning: provider custom-token: secret 'notConfigured'")),
      "the start-up report warns about it",
    );
    assert.ok(!ctx.server.report.some((line) => line.includes("secret 'jwtKeyA'")), "configured secrets are not reported");
  });
});
