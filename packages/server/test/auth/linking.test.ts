import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { SignJWT } from "jose";
import { CLIENT_IDS, HS_KEYS } from "../helpers/provider-apps.js";
import { useProviderServer } from "../helpers/provider-server.js";
import { call } from "../helpers/server.js";

/**
 * `?link=true` for every token provider (PROTOCOL.md §3.4): the caller keeps its session; an identity
 * another user owns is refused; re-linking is a no-op; identities are never merged by email; the
 * anonymous → permanent upgrade keeps the user id, its custom user data and its API keys.
 */
describe("linking", () => {
  const ctx = useProviderServer();

  type Session = { access_token: string; refresh_token: string; user_id: string };
  const route = (provider: string) => `${ctx.server.api}/app/social/auth/providers/${provider}/login`;
  const anonymous = async (): Promise<Session> => (await call(route("anon-user"), { body: {} })).body;
  const link = (session: Session, provider: string, body: Record<string, unknown>) =>
    call(`${route(provider)}?link=true`, { token: session.access_token, body });
  const profile = async (token: string) => (await call(`${ctx.server.api}/auth/profile`, { token })).body;
  const now = () => Math.floor(ctx.server.clock.now() / 1000);

  let n = 0;
  /** A fresh identity of each provider, as its login body. */
  const credentials: Record<string, () => Promise<Record<string, unknown>>> = {
    "custom-token": async () => ({
      token: await new SignJWT({ sub: `lk-jwt-${++n}`, aud: "social", email: "shared@example.com" })
        .setProtectedHeader({ alg: "HS256" })
        .setIssuedAt(now())
        .setExpirationTime(now() + 300)
        .sign(new TextEncoder().encode(HS_KEYS.jwtKeyA)),
    }),
    "oauth2-google": async () => ({
      id_token: await ctx.idp.googleIdToken({ aud: CLIENT_IDS.google, sub: `lk-g-${++n}`, email: "shared@example.com" }),
    }),
    "oauth2-apple": async () => ({
      id_token: await ctx.idp.appleIdToken({ aud: CLIENT_IDS.apple, sub: `lk-a-${++n}`, email: "shared@example.com" }),
    }),
    "oauth2-facebook": async () => {
      const token = `lk-fb-${++n}`;
      ctx.idp.facebookTokens.set(token, {
        appId: ctx.idp.facebookAppId,
        valid: true,
        user: { id: `lk-f-${n}`, email: "shared@example.com" },
      });
      return { accessToken: token };
    },
  };

  for (const [provider, fresh] of Object.entries(credentials)) {
    it(`${provider}: links onto an anonymous user; the session stays; re-linking is a no-op; another user is refused`, async () => {
      const owner = await anonymous();
      const body = await fresh();
      const linked = await link(owner, provider, body);
      assert.equal(linked.status, 200, linked.text);
      assert.equal(linked.body.user_id, owner.user_id);
      assert.equal(linked.body.refresh_token, null, "the client keeps its refresh token");
      assert.equal((await call(`${ctx.server.api}/auth/session`, { method: "POST", token: owner.refresh_token })).status, 201);
      const types = (await profile(linked.body.access_token)).identities.map((i: { provider_type: string }) => i.provider_type);
      assert.deepEqual(types, ["anon-user", provider]);

      const again = await link(owner, provider, body);
      assert.equal(again.status, 200);
      assert.equal((await profile(again.body.access_token)).identities.length, 2);

      const other = await anonymous();
      const refused = await link(other, provider, body);
      assert.equal(refused.status, 409);
      assert.deepEqual([refused.body.error_code, refused.body.reason], ["AccountNameInUse", "identityInUse"]);
      assert.equal(
        (await call(`${ctx.server.api}/auth/profile`, { token: other.access_token })).status,
        200,
        "the refused user is still logged in",
      );

      const login = await call(route(provider), { body });
      assert.equal(login.body.user_id, owner.user_id, "the identity now logs in the upgraded user");
    });
  }

  it("never merges by email: the same email on four providers is four users until linked", async () => {
    const ids = new Set<string>();
    for (const [provider, fresh] of Object.entries(credentials)) {
      const res = await call(route(provider), { body: await fresh() });
      assert.equal(res.status, 200, res.text);
      assert.equal((await profile(res.body.access_token)).data.email, "shared@example.com");
      ids.add(res.body.user_id);
    }
    assert.equal(ids.size, 4);
  });

  it("the upgrade keeps the user id, custom user data and API keys; another user cannot link the key", async () => {
    const guest = await anonymous();
    const socialApp = ctx.server.services.apps.get("social")!;
    const users = ctx.server.services.functions.dataService(socialApp, "mongodb-atlas")!.collection("app", "users");
    await users.insertOne({ user_id: guest.user_id, plan: "gold" });
    const keys = (token: string, body?: unknown) => call(`${ctx.server.api}/auth/api_keys`, { token, ...(body ? { body } : {}) });
    const early = await keys(guest.refresh_token, { name: "early" });
    assert.deepEqual([early.status, early.body.reason], [403, "apiKeyAnonymousUser"]);

    assert.equal((await link(guest, "oauth2-google", await credentials["oauth2-google"]!())).status, 200);
    const key = await keys(guest.refresh_token, { name: "laptop" });
    assert.equal(key.status, 201, key.text);
    // Before the key ever logged in (so no api-key identity exists yet), someone holding it links it.
    const thief = await anonymous();
    const stolen = await link(thief, "api-key", { key: key.body.key });
    assert.deepEqual([stolen.status, stolen.body.reason], [409, "identityInUse"]);
    assert.equal((await link(guest, "oauth2-apple", await credentials["oauth2-apple"]!())).status, 200);

    const refreshed = await call(`${ctx.server.api}/auth/session`, { method: "POST", token: guest.refresh_token });
    const claims = JSON.parse(Buffer.from(refreshed.body.access_token.split(".")[1], "base64url").toString());
    assert.equal(claims.user_data.plan, "gold", "custom user data is the same document");
    const viaKey = await call(route("api-key"), { body: { key: key.body.key } });
    assert.equal(viaKey.body.user_id, guest.user_id, "the API key still logs in the user");
    assert.equal((await keys(guest.refresh_token)).body.length, 1);
  });

  it("refuses to link an anonymous identity", async () => {
    const user = await anonymous();
    const res = await link(user, "anon-user", {});
    assert.deepEqual([res.status, res.body.reason], [400, "linkAnonymousNotAllowed"]);
  });
});
