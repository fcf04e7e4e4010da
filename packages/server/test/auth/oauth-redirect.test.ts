import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { CLIENT_IDS, REDIRECT_PAGE_PATH } from "../helpers/provider-apps.js";
import { useProviderServer } from "../helpers/provider-server.js";
import { call } from "../helpers/server.js";

/**
 * The OAuth redirect flow over plain HTTP (the browser's part is in test/browser): each redirect is
 * followed by hand, so every Location is checked.
 */
describe("OAuth redirect flow", () => {
  const ctx = useProviderServer();
  const REDIRECT = `http://127.0.0.1:1${REDIRECT_PAGE_PATH}`;

  const get = (url: string, headers: Record<string, string> = {}) => fetch(url, { redirect: "manual", headers });
  const loginUrl = (provider: string, query: Record<string, string>) =>
    `${ctx.server.api}/app/social/auth/providers/${provider}/login?${new URLSearchParams(query)}`;
  const device = Buffer.from(JSON.stringify({ sdkVersion: "2.0.1", platform: "chrome" })).toString("base64");
  const fragmentOf = (location: string) => Object.fromEntries(new URLSearchParams(new URL(location).hash.slice(1)));

  /** Login URL → provider → callback; returns the callback's URL and the final Location. */
  async function run(provider: string, query: Record<string, string>, headers: Record<string, string> = {}) {
    const start = await get(loginUrl(provider, query), headers);
    const authorize = start.status === 200 ? start.headers.get("x-baas-location")! : start.headers.get("location")!;
    assert.ok(authorize, `no authorize URL (${start.status})`);
    const page = await get(authorize);
    let back: Response;
    let callbackUrl: string;
    if (page.status === 302) {
      callbackUrl = page.headers.get("location")!;
      back = await get(callbackUrl);
    } else {
      // Apple's form_post: the page's form, posted as a browser would.
      const html = await page.text();
      callbackUrl = /action="([^"]+)"/.exec(html)![1]!;
      const fields = Object.fromEntries(
        [...html.matchAll(/name="([^"]+)" value="([^"]*)"/g)].map((m) => [m[1]!, m[2]!.replace(/&quot;/g, '"')]),
      );
      back = await fetch(callbackUrl, {
        method: "POST",
        redirect: "manual",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams(fields),
      });
    }
    return { start, authorize: new URL(authorize), callbackUrl, back, location: back.headers.get("location") ?? "" };
  }

  it("Google: 302 to the authorize URL with the pinned parameters, then back with the _baas_ fragment", async () => {
    ctx.idp.nextUser.google = { sub: "rd-g", email: "rd@example.com", name: "Red" };
    const flow = await run("oauth2-google", { redirect: REDIRECT, state: "abcdefghijkl", device });
    assert.equal(flow.start.status, 302);
    const q = flow.authorize.searchParams;
    assert.equal(`${flow.authorize.origin}${flow.authorize.pathname}`, `${ctx.idp.url}/google/authorize`);
    assert.equal(q.get("client_id"), CLIENT_IDS.google);
    assert.equal(q.get("redirect_uri"), `${ctx.server.url}/api/client/v2.0/auth/callback`);
    assert.equal(q.get("response_type"), "code");
    assert.match(q.get("scope") ?? "", /openid/);
    assert.ok((q.get("state") ?? "").length > 20, "a signed state, not the client's");
    assert.equal(ctx.idp.tokenRequests.at(-1)!.redirect_uri, q.get("redirect_uri"), "the exchange sends the same redirect_uri");
    assert.equal(flow.back.status, 302);
    assert.ok(flow.location.startsWith(`${REDIRECT}#`));
    const fragment = fragmentOf(flow.location);
    assert.equal(fragment._baas_state, "abcdefghijkl");
    assert.equal(fragment._baas_client_app_id, "social");
    const [access, refresh, userId, deviceId] = fragment._baas_ua!.split("$");
    assert.match(userId!, /^[0-9a-f]{24}$/);
    assert.notEqual(deviceId, "000000000000000000000000", "device information was sent, so a device id is issued");
    const profile = await call(`${ctx.server.api}/auth/profile`, { token: access });
    assert.deepEqual(
      profile.body.identities.map((i: { id: string }) => i.id),
      ["rd-g"],
    );
    assert.equal((await call(`${ctx.server.api}/auth/session`, { method: "POST", token: refresh })).status, 201);

    // The same callback again: the state was single-use.
    const replay = await get(flow.callbackUrl);
    assert.equal(replay.status, 400);
    assert.equal(replay.headers.get("x-gatehouse-reason"), "oauthStateUsed");
    assert.match(replay.headers.get("content-type") ?? "", /^text\/html/);
    assert.equal(replay.headers.get("location"), null, "never redirected");
  });

  it("refuses a redirect URL that is not exactly one of redirect_uris, with a page and no redirect", async () => {
    for (const redirect of [`${REDIRECT}/`, `${REDIRECT}?x=1`, "https://evil.example/oauth-done", "http://127.0.0.1:1/other"]) {
      const res = await get(loginUrl("oauth2-google", { redirect, state: "abcdefghijkl" }));
      assert.equal(res.status, 400, redirect);
      assert.equal(res.headers.get("x-gatehouse-reason"), "oauthRedirectNotAllowed");
      assert.match(await res.text(), /is not one of the provider&#39;s redirect_uris/);
    }
    // Trailing slash counts: this one is listed with it.
    assert.equal((await get(loginUrl("oauth2-google", { redirect: "http://127.0.0.1:1/other/", state: "abcdefghijkl" }))).status, 302);
  });

  it("sends a provider's refusal back to the client as _baas_error", async () => {
    ctx.idp.nextUser.google = null;
    const flow = await run("oauth2-google", { redirect: REDIRECT, state: "deniedstatex" });
    const fragment = fragmentOf(flow.location);
    assert.equal(fragment._baas_state, "deniedstatex");
    assert.match(fragment._baas_error ?? "", /refused the login: The user denied the request/);
    assert.equal(fragment._baas_ua, undefined);
  });

  it("links in header mode: 200 with x-baas-location, then the identity joins the caller", async () => {
    const anon = (await call(`${ctx.server.api}/app/social/auth/providers/anon-user/login`, { body: {} })).body;
    ctx.idp.nextUser.facebook = { id: "rd-f-link", email: "link@example.com", name: "Linda" };
    const flow = await run(
      "oauth2-facebook",
      { link: "true", redirect: REDIRECT, state: "linkstatexyz", providerRedirectHeader: "true" },
      { authorization: `Bearer ${anon.access_token}` },
    );
    assert.equal(flow.start.status, 200);
    const fragment = fragmentOf(flow.location);
    assert.equal(fragment._baas_link, "ok");
    const [access, , userId] = fragment._baas_ua!.split("$");
    assert.equal(userId, anon.user_id);
    const profile = await call(`${ctx.server.api}/auth/profile`, { token: access });
    assert.deepEqual(
      profile.body.identities.map((i: { provider_type: string }) => i.provider_type),
      ["anon-user", "oauth2-facebook"],
    );
    assert.equal(profile.body.data.name, "Linda");
    assert.equal(
      (await call(`${ctx.server.api}/auth/session`, { method: "POST", token: anon.refresh_token })).status,
      201,
      "refresh token still good",
    );
    const unauthenticated = await get(
      loginUrl("oauth2-google", { link: "true", redirect: REDIRECT, state: "x", providerRedirectHeader: "true" }),
    );
    assert.equal(unauthenticated.status, 401);
    assert.equal((await unauthenticated.json()).reason, "missingAuth");
  });

  it("Apple posts the code back from a form; the exchange uses the client secret", async () => {
    ctx.idp.nextUser.apple = { sub: "rd-a", email: "rd-a@privaterelay.appleid.com", firstName: "Ana", lastName: "Pple" };
    const flow = await run("oauth2-apple", { redirect: REDIRECT, state: "applestatexx" });
    assert.equal(flow.authorize.searchParams.get("response_mode"), "form_post");
    const fragment = fragmentOf(flow.location);
    assert.equal(fragment._baas_error, undefined, fragment._baas_error);
    assert.equal(ctx.idp.tokenRequests.at(-1)!.client_secret, ctx.idp.clientSecrets.apple);
    const profile = await call(`${ctx.server.api}/auth/profile`, { token: fragment._baas_ua!.split("$")[0] });
    assert.equal(profile.body.data.email, "rd-a@privaterelay.appleid.com");
    assert.deepEqual([profile.body.data.name, profile.body.data.first_name], ["Ana Pple", "Ana"], "the posted name reaches the profile");
  });

  it("only the social providers have a redirect flow", async () => {
    const res = await get(loginUrl("custom-token", { redirect: REDIRECT, state: "abcdefghijkl" }));
    assert.equal(res.status, 400);
    assert.equal(res.headers.get("x-gatehouse-reason"), "oauthRedirectOnly");
  });

  it("refuses a forged, expired or tampered state at the callback", async () => {
    const forged = await get(`${ctx.server.api}/auth/callback?code=x&state=not-a-state`);
    assert.equal(forged.headers.get("x-gatehouse-reason"), "oauthStateInvalid");
    ctx.idp.nextUser.google = { sub: "rd-exp" };
    const start = await get(loginUrl("oauth2-google", { redirect: REDIRECT, state: "abcdefghijkl" }));
    const state = new URL(start.headers.get("location")!).searchParams.get("state")!;
    const [h, p, s] = state.split(".");
    const claims = JSON.parse(Buffer.from(p!, "base64url").toString());
    const tampered = `${h}.${Buffer.from(JSON.stringify({ ...claims, r: "https://evil.example/" })).toString("base64url")}.${s}`;
    const bad = await get(`${ctx.server.api}/auth/callback?code=x&state=${tampered}`);
    assert.equal(bad.headers.get("x-gatehouse-reason"), "oauthStateInvalid");
    // Last in this file: the clock cannot travel back.
    ctx.server.clock.advance(11 * 60 * 1000);
    const late = await get(`${ctx.server.api}/auth/callback?code=x&state=${state}`);
    assert.equal(late.status, 400);
    assert.equal(late.headers.get("x-gatehouse-reason"), "oauthStateExpired");
  });
});
