/**
 * The OAuth 2.0 redirect flow end to end in a real Chromium: a page on localhost logs in through a
 * popup (Gatehouse login route → loopback provider's authorize page → Gatehouse callback → the
 * page's redirect URL, whose `handleAuthRedirect()` hands the result back through localStorage), with
 * @gatehouse/sdk's browser bundle and with realm-web's. Also: linking, a replayed or forged state, and a
 * redirect URL the provider does not list.
 *
 * Needs Debian's `chromium` (test/support/requirements.mjs says where), else skips (fails under CI=true).
 */
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { chromium, type BrowserContext, type Page } from "playwright-core";
import { LoopbackIdentityProviders } from "../../packages/server/test/helpers/identity-providers.ts";
import { REDIRECT_PAGE_PATH, writeProviderApps, type ProviderApps } from "../../packages/server/test/helpers/provider-apps.ts";
import { startGatehouse, repoRoot, type TestGatehouse } from "../../packages/sdk/test/helpers/server.ts";

import { CHROMIUM_FLAGS } from "./chromium.ts";
import { chromiumPath, requirement } from "../support/requirements.mjs";
const REALM_WEB_BUNDLE = join(repoRoot, "node_modules/realm-web/dist/bundle.iife.js");

/** The app page (SDK or realm-web) and the redirect page, served on localhost. */
function pages(apiUrl: () => string, bundlePath: string): Server {
  const sdkPage = () => `<!doctype html><meta charset="utf-8"><title>app</title><script type="module">
  import { App, Credentials } from "/gatehouse.browser.js";
  window.sdk = { app: new App({ id: "social", baseUrl: ${JSON.stringify(apiUrl())} }), Credentials };
</script>`;
  const realmPage = () => `<!doctype html><meta charset="utf-8"><title>app</title><script src="/realm-web.js"></script><script>
  window.sdk = { app: new Realm.App({ id: "social", baseUrl: ${JSON.stringify(apiUrl())} }), Credentials: Realm.Credentials };
</script>`;
  const redirectPage = (library: string) =>
    `<!doctype html><meta charset="utf-8"><title>done</title>${
      library === "realm-web"
        ? `<script src="/realm-web.js"></script><script>Realm.handleAuthRedirect(); document.title = "handled";</script>`
        : `<script type="module">import { handleAuthRedirect } from "/gatehouse.browser.js"; handleAuthRedirect(); document.title = "handled";</script>`
    }`;
  return createServer((req, res) => {
    const path = (req.url ?? "/").split("?")[0];
    const html = (body: string) => res.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end(body);
    if (path === "/") return html(sdkPage());
    if (path === "/realm-web") return html(realmPage());
    if (path === REDIRECT_PAGE_PATH) return html(redirectPage("sdk"));
    if (path === "/other/") return html(redirectPage("realm-web"));
    if (path === "/gatehouse.browser.js") return res.writeHead(200, { "content-type": "text/javascript" }).end(readFileSync(bundlePath));
    if (path === "/realm-web.js") return res.writeHead(200, { "content-type": "text/javascript" }).end(readFileSync(REALM_WEB_BUNDLE));
    res.writeHead(404).end();
  });
}

describe("OAuth redirect flow in Chromium", { skip: requirement("chromium") }, () => {
  let idp: LoopbackIdentityProviders;
  let apps: ProviderApps;
  let gh: TestGatehouse;
  let pageServer: Server;
  let origin: string;
  let context: BrowserContext;
  let profileDir: string;
  const callbacks: string[] = [];

  before(async () => {
    const { bundle, BUNDLE_PATH } = await import("../../packages/sdk/scripts/bundle.mjs");
    await bundle();
    idp = await LoopbackIdentityProviders.start();
    let apiUrl = "";
    pageServer = pages(() => apiUrl, BUNDLE_PATH as string);
    await new Promise<void>((resolve) => pageServer.listen(0, "localhost", resolve));
    origin = `http://localhost:${(pageServer.address() as AddressInfo).port}`;
    apps = await writeProviderApps(idp, origin);
    gh = await startGatehouse({ apps: apps.dirs.map((dir) => ({ dir, id: dir.split("/").pop()! })), config: apps.config });
    apiUrl = gh.url;
    profileDir = mkdtempSync(join(tmpdir(), "gatehouse-chromium-oauth-"));
    context = await chromium.launchPersistentContext(profileDir, { executablePath: chromiumPath, headless: true, args: CHROMIUM_FLAGS });
    context.on("request", (request) => {
      if (request.url().includes("/api/client/v2.0/auth/callback")) callbacks.push(request.url());
    });
  });

  after(async () => {
    await context?.close();
    await new Promise((resolve) => pageServer?.close(resolve));
    await gh?.close();
    await idp?.close();
    await apps?.close();
    if (profileDir) rmSync(profileDir, { recursive: true, force: true });
  });

  async function appPage(path = "/"): Promise<Page> {
    const page = await context.newPage();
    const errors: string[] = [];
    page.on("pageerror", (err) => errors.push(err.message));
    await page.goto(`${origin}${path}`);
    await page.waitForFunction(() => "sdk" in window);
    assert.deepEqual(errors, []);
    return page;
  }

  it("logs in with Google through the popup (@gatehouse/sdk)", async () => {
    idp.nextUser.google = { sub: "br-g", email: "br@example.com", name: "Bree" };
    const page = await appPage();
    const user = await page.evaluate(async (redirectUrl) => {
      const { app, Credentials } = (window as any).sdk;
      const u = await app.logIn(Credentials.google({ redirectUrl }));
      return { id: u.id, identities: u.identities.map((i: any) => [i.id, i.providerType]), name: u.profile.name, state: u.state };
    }, `${origin}${REDIRECT_PAGE_PATH}`);
    assert.deepEqual(user.identities, [["br-g", "oauth2-google"]]);
    assert.equal(user.name, "Bree");
    assert.equal(user.state, "active");
    await page.close();
  });

  it("links Facebook onto an anonymous user through the popup, keeping the user", async () => {
    idp.nextUser.facebook = { id: "br-f", email: "brf@example.com", name: "Finn" };
    const page = await appPage();
    const result = await page.evaluate(async (redirectUrl) => {
      const { app, Credentials } = (window as any).sdk;
      const guest = await app.logIn(Credentials.anonymous());
      const before = { id: guest.id, refresh: guest.refreshToken };
      await guest.linkCredentials(Credentials.facebook(redirectUrl));
      return { before, after: { id: guest.id, refresh: guest.refreshToken, types: guest.identities.map((i: any) => i.providerType) } };
    }, `${origin}${REDIRECT_PAGE_PATH}`);
    assert.equal(result.after.id, result.before.id);
    assert.equal(result.after.refresh, result.before.refresh);
    assert.deepEqual(result.after.types, ["anon-user", "oauth2-facebook"]);
    await page.close();
  });

  it("works with realm-web's own browser bundle and handleAuthRedirect", async () => {
    idp.nextUser.apple = { sub: "br-a", email: "br-a@privaterelay.appleid.com" };
    const page = await appPage("/realm-web");
    const user = await page.evaluate(async (redirectUrl) => {
      const { app, Credentials } = (window as any).sdk;
      const u = await app.logIn(Credentials.apple(redirectUrl));
      return { identities: u.identities.map((i: any) => i.providerType), email: u.profile.email };
    }, `${origin}/other/`);
    assert.deepEqual(user.identities, ["oauth2-apple"]);
    assert.equal(user.email, "br-a@privaterelay.appleid.com");
    await page.close();
  });

  it("shows an error page for a replayed or forged state", async () => {
    // Google's and Facebook's callbacks are GETs carrying the state (Apple's was a form post).
    const used = callbacks.find((url) => new URL(url).searchParams.has("state"));
    assert.ok(used, "an earlier login went through the callback");
    const page = await context.newPage();
    const replay = await page.goto(used);
    assert.equal(replay?.status(), 400);
    assert.match((await page.textContent("#error")) ?? "", /already used/);
    const forged = await page.goto(`${gh.url}/api/client/v2.0/auth/callback?code=abc&state=eyJhbGciOiJub25lIn0.e30.`);
    assert.equal(forged?.status(), 400);
    assert.match((await page.textContent("#error")) ?? "", /not issued by this server/);
    assert.equal(new URL(page.url()).origin, gh.url, "no redirect away from Gatehouse");
    await page.close();
  });

  it("shows an error page for a redirect URL the provider does not list, and the login fails when it is closed", async () => {
    const page = await appPage();
    const popupPromise = context.waitForEvent("page");
    const login = page.evaluate(async (redirectUrl) => {
      const { app, Credentials } = (window as any).sdk;
      try {
        await app.logIn(Credentials.google({ redirectUrl }));
        return "logged in";
      } catch (error: any) {
        return `${error.errorCode}: ${error.message}`;
      }
    }, `${origin}/not-listed`);
    const popup = await popupPromise;
    await popup.waitForSelector("#error");
    assert.match((await popup.textContent("#error")) ?? "", /is not one of the provider's redirect_uris/);
    await popup.close();
    assert.match(await login, /^ClientOAuthFailed: .*window was closed/);
    await page.close();
  });
});
