/**
 * The SDK's browser bundle in a real Chromium: a page served on localhost logs in, reloads and finds
 * `currentUser` restored from localStorage (without a request), then logs out — against a real
 * Gatehouse server on another origin (so CORS is exercised too).
 *
 * Needs Debian's `chromium` (test/support/requirements.mjs says where), else skips (fails under CI=true);
 * flags suit a root, sandbox-less, offline machine.
 */
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { chromium, type BrowserContext, type Page } from "playwright-core";
import { startGatehouse, type TestGatehouse } from "../../packages/sdk/test/helpers/server.ts";
import { CHROMIUM_FLAGS } from "./chromium.ts";
import { chromiumPath, requirement } from "../support/requirements.mjs";

/** The test page: loads the bundle, exposes the app to the test, logs in only when asked. */
function page(apiUrl: string): string {
  return `<!doctype html>
<html><head><meta charset="utf-8"><title>Gatehouse SDK browser test</title></head>
<body>
<p id="status">loading</p>
<script type="module">
  import { App, Credentials, UserState } from "/gatehouse.browser.js";
  const app = new App({ id: "todo-gatehouse", baseUrl: ${JSON.stringify(apiUrl)}, app: { name: "browser-test", version: "1.0.0" } });
  window.sdk = { app, Credentials, UserState };
  document.getElementById("status").textContent = app.currentUser ? "restored " + app.currentUser.id : "anonymous visitor";
</script>
</body></html>`;
}

/** Serves the page and the bundle on localhost. */
async function startPageServer(apiUrl: string, bundlePath: string): Promise<Server> {
  const server = createServer((req, res) => {
    if (req.url === "/" || req.url === "/index.html") {
      res.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end(page(apiUrl));
    } else if (req.url === "/gatehouse.browser.js") {
      res.writeHead(200, { "content-type": "text/javascript" }).end(readFileSync(bundlePath));
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "localhost", resolve));
  return server;
}

describe("browser bundle in Chromium", { skip: requirement("chromium") }, () => {
  let gh: TestGatehouse;
  let pages: Server;
  let context: BrowserContext;
  let profileDir: string;
  let pageUrl: string;
  const apiRequests: string[] = [];

  before(async () => {
    const { bundle, BUNDLE_PATH } = await import("../../packages/sdk/scripts/bundle.mjs");
    await bundle();
    gh = await startGatehouse();
    pages = await startPageServer(gh.url, BUNDLE_PATH as string);
    pageUrl = `http://localhost:${(pages.address() as AddressInfo).port}/`;
    profileDir = mkdtempSync(join(tmpdir(), "gatehouse-chromium-"));
    context = await chromium.launchPersistentContext(profileDir, {
      executablePath: chromiumPath,
      headless: true,
      args: CHROMIUM_FLAGS,
    });
    context.on("request", (request) => {
      if (request.url().startsWith(gh.url)) apiRequests.push(`${request.method()} ${new URL(request.url()).pathname}`);
    });
  });

  after(async () => {
    await context?.close();
    await new Promise((resolve) => pages?.close(resolve));
    await gh?.close();
    if (profileDir) rmSync(profileDir, { recursive: true, force: true });
  });

  async function open(page: Page): Promise<void> {
    const errors: string[] = [];
    page.on("pageerror", (err) => errors.push(err.message));
    await page.goto(pageUrl);
    await page.waitForFunction(() => "sdk" in window);
    assert.deepEqual(errors, []);
  }

  it("logs in, reloads, finds currentUser restored from localStorage, then logs out", async () => {
    const page = context.pages()[0] ?? (await context.newPage());
    await open(page);
    assert.equal(await page.textContent("#status"), "anonymous visitor");

    const user = await page.evaluate(async () => {
      const { app, Credentials } = (window as any).sdk;
      const u = await app.logIn(Credentials.anonymous());
      return { id: u.id as string, state: u.state as string, identities: u.identities.map((i: any) => i.providerType) };
    });
    assert.equal(user.state, "active");
    assert.deepEqual(user.identities, ["anon-user"]);
    const stored = await page.evaluate(() => Object.keys(localStorage).sort());
    assert.ok(stored.includes("gatehouse:app(todo-gatehouse):userIds"), stored.join(", "));
    assert.ok(stored.includes(`gatehouse:app(todo-gatehouse):user(${user.id}):refreshToken`));

    apiRequests.length = 0;
    await page.reload();
    await page.waitForFunction(() => "sdk" in window);
    assert.equal(await page.textContent("#status"), `restored ${user.id}`);
    const restored = await page.evaluate(() => {
      const { app } = (window as any).sdk;
      const u = app.currentUser;
      return u && { id: u.id, state: u.state, deviceId: u.deviceId, identities: u.identities.map((i: any) => i.providerType) };
    });
    assert.deepEqual(restored && { id: restored.id, state: restored.state, identities: restored.identities }, {
      id: user.id,
      state: "active",
      identities: ["anon-user"],
    });
    assert.match(restored?.deviceId ?? "", /^[0-9a-f]{24}$/);
    assert.deepEqual(apiRequests, [], "restoring made no request");

    // The restored session works, across origins (CORS), and anonymous login reuses it.
    const again = await page.evaluate(async () => {
      const { app, Credentials } = (window as any).sdk;
      await app.currentUser.refreshProfile();
      return (await app.logIn(Credentials.anonymous())).id;
    });
    assert.equal(again, user.id);

    await page.evaluate(async () => {
      const { app } = (window as any).sdk;
      await app.currentUser.logOut();
    });
    assert.equal(await gh.countEvents("logout", user.id), 1);
    await page.reload();
    await page.waitForFunction(() => "sdk" in window);
    assert.equal(await page.textContent("#status"), "anonymous visitor");
    const left = await page.evaluate(() => Object.keys(localStorage).filter((k) => k.includes("Token")));
    assert.deepEqual(left, [], "no token left in localStorage");
  });
});
