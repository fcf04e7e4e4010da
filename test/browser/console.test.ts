/**
 * The operator console in a real Chromium against a real server with seeded users: sign in (bad key,
 * then a good one, by keyboard), find a user by email prefix, open them, disable (their access token
 * is refused at once, checked over HTTP), enable, log out everywhere, delete (gone from the list and
 * the store); confirm a pending registration; the events view lists what was just done and its
 * charts count the seeded data. Each view is photographed on the way (`npm run screenshots` keeps the
 * README's pictures current).
 */
import assert from "node:assert/strict";
import { after, before, describe } from "node:test";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { browserStep, launchChromium } from "./chromium.ts";
import {
  call,
  FAILED_LOGINS,
  KEY_NAME,
  PASSWORD,
  PENDING_EMAILS,
  SEEDED_ANONYMOUS,
  SEEDED_EMAILS,
  startConsoleWorld,
  type ConsoleWorld,
} from "./console-fixture.ts";
import { discardTemporaryScreenshots, screenshot } from "./screenshots.ts";

const TODO = "todo-gatehouse";
const client = (world: ConsoleWorld, path: string) => `${world.url}/api/client/v2.0${path}`;

describe("operator console in Chromium", () => {
  let world: ConsoleWorld;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const problems: string[] = [];
  const nativeDialogs: string[] = [];

  before(async () => {
    world = await startConsoleWorld();
  });
  after(async () => {
    await context?.close();
    await browser?.close();
    await world?.close();
    discardTemporaryScreenshots();
  });

  const step = browserStep;

  async function usersRows(): Promise<string[]> {
    return page.locator("table.users tbody th").allTextContents();
  }

  /** Types into the search box like a person and waits for the debounced search to answer. */
  async function search(text: string): Promise<string[]> {
    const box = page.getByLabel("Search users");
    await box.fill("");
    await box.pressSequentially(text, { delay: 20 });
    const term = text.trim();
    await page.getByText(new RegExp(`starts with ${term.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")} · page 1 · \\d+ shown`)).waitFor();
    return usersRows();
  }

  /** Picks an app in the header and waits for the route to follow (the nav links' targets change with it). */
  async function pickApp(label: string): Promise<void> {
    const picker = page.getByLabel("App", { exact: true });
    await picker.selectOption({ label });
    const appId = await picker.inputValue();
    await page.waitForURL((url) => url.hash.startsWith(`#/apps/${appId}/`));
  }

  async function actionResult(text: RegExp): Promise<void> {
    await page.locator(".result-ok").filter({ hasText: text }).waitFor();
  }

  step("shows the server's error for a wrong key", async () => {
    browser = await launchChromium();
    context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    page = await context.newPage();
    // Every wait is for an element or an answer; ten seconds means it is not coming.
    page.setDefaultTimeout(10_000);
    page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
    page.on("console", (message) => {
      if (message.type() === "error" && !/status of 40[14]/.test(message.text())) problems.push(`console: ${message.text()}`);
    });
    page.on("dialog", (dialog) => {
      nativeDialogs.push(dialog.message());
      void dialog.dismiss();
    });
    await page.goto(`${world.url}/console/`);
    await page.getByLabel("Public key").fill(world.key.username);
    await page.getByLabel("Private key").fill("not-the-private-key");
    await page.getByRole("button", { name: "Sign in" }).click();
    const refused = await call(`${world.url}/api/admin/v3.0/auth/providers/mongodb-cloud/login`, {
      body: { username: world.key.username, apiKey: "not-the-private-key" },
    });
    assert.equal(refused.status, 401);
    await page.getByRole("alert").filter({ hasText: refused.body.error }).waitFor();
    assert.match((await page.getByRole("alert").textContent()) ?? "", new RegExp(refused.body.error_code));
    await screenshot(page, "sign-in");
  });

  step("signs in with a good key, by keyboard, keeping the session out of cookies", async () => {
    await page.getByLabel("Private key").fill("");
    await page.getByLabel("Public key").focus();
    await page.keyboard.press("Tab");
    await page.keyboard.type(world.key.apiKey);
    await page.keyboard.press("Enter");
    await page.getByRole("heading", { name: "Apps", level: 1 }).waitFor();
    await page
      .getByRole("article", { name: "todo" })
      .getByRole("row", { name: /local-userpass/ })
      .waitFor();
    // The user count comes from the server's counter; it must agree with the store.
    const todoUsers = (await world.server.services.store.adminStats.userCounts()).get(TODO);
    assert.equal(todoUsers, SEEDED_EMAILS.length + SEEDED_ANONYMOUS);
    const facts = page.getByRole("article", { name: "todo" }).locator("dl.facts");
    assert.equal((await facts.locator("dt:text-is('Users') + dd").textContent())?.trim(), String(todoUsers));
    // A provider type this build does not serve reads "not supported" and its switch cannot be used.
    const second = page.getByRole("article", { name: "second" });
    await second
      .getByRole("row", { name: /oauth2-ldap/ })
      .getByText("not supported", { exact: true })
      .waitFor();
    assert.equal(await second.getByRole("switch", { name: "oauth2-ldap enabled" }).isDisabled(), true);
    assert.equal(await second.getByRole("switch", { name: "oauth2-ldap enabled" }).isChecked(), false, "it logs no one in: off");
    assert.deepEqual(await context.cookies(), [], "the admin session is never a cookie");
    const stored = await page.evaluate(() => Object.keys(sessionStorage));
    assert.deepEqual(stored, ["gatehouse-console:session"]);
    await screenshot(page, "apps");
  });

  step("switches a provider off and on at run time: logins follow at once", async () => {
    const todo = page.getByRole("article", { name: "todo" });
    const anonLogin = () => call(client(world, `/app/${TODO}/auth/providers/anon-user/login`), { body: {} });
    await todo.getByRole("switch", { name: "anon-user enabled" }).click();
    await todo.locator(".result-ok").filter({ hasText: "anon-user disabled." }).waitFor();
    await todo
      .getByRole("row", { name: /anon-user/ })
      .getByText("disabled", { exact: true })
      .waitFor();
    const refused = await anonLogin();
    assert.equal(refused.status, 404, refused.text);
    assert.equal(refused.body.error_code, "AuthProviderNotFound");
    await todo.getByRole("switch", { name: "anon-user enabled" }).press("Space");
    await todo.locator(".result-ok").filter({ hasText: "anon-user enabled." }).waitFor();
    assert.equal((await anonLogin()).status, 200);
  });

  step("finds users by email prefix as the operator types", async () => {
    await page.getByRole("article", { name: "todo" }).getByRole("link", { name: "Users" }).click();
    await page.getByRole("heading", { name: "Users", level: 1 }).waitFor();
    await page.locator("table.users tbody tr").first().waitFor();
    const rows = await search("carol");
    assert.deepEqual(rows.sort(), SEEDED_EMAILS.filter((e) => e.startsWith("carol")).sort());
    await screenshot(page, "users");
  });

  step("opens the user page from the email", async () => {
    await page.getByRole("link", { name: "carol@example.com" }).click();
    await page.getByRole("heading", { name: "carol@example.com", level: 1 }).waitFor();
    await page.getByRole("article", { name: "Identities" }).getByText("local-userpass").waitFor();
    await page
      .getByRole("article", { name: "Devices" })
      .getByText(/chrome/)
      .waitFor();
    // What only the one-user view reports: one login, so one live session; no key, no custom data.
    const summary = page.getByRole("article", { name: "Summary" });
    assert.equal((await summary.locator("dt:text-is('Active sessions') + dd").textContent())?.trim(), "1");
    await page.getByRole("article", { name: "API keys" }).getByText("No API key.").waitFor();
    await page.getByRole("article", { name: "Custom user data" }).getByText("No custom user data document.").waitFor();
    await screenshot(page, "user");
  });

  step("disables the user: their access token is refused right after", async () => {
    const carol = world.sessions.get("carol@example.com")!;
    const before = await call(client(world, "/auth/profile"), { token: carol.access_token });
    assert.equal(before.status, 200);
    await page.getByRole("button", { name: "Disable" }).click();
    await actionResult(/User disabled/);
    const afterDisable = await call(client(world, "/auth/profile"), { token: carol.access_token });
    assert.equal(afterDisable.status, 401, afterDisable.text);
    assert.equal((await world.server.services.store.users.get(TODO, carol.user_id))?.disabled, true);
    await page.getByRole("button", { name: "Enable" }).waitFor();
  });

  step("enables the user again: they can log in", async () => {
    await page.getByRole("button", { name: "Enable" }).click();
    await actionResult(/User enabled/);
    const login = await call(client(world, `/app/${TODO}/auth/providers/local-userpass/login`), {
      body: { username: "carol@example.com", password: PASSWORD },
    });
    assert.equal(login.status, 200, login.text);
    world.sessions.set("carol@example.com", login.body);
    await page.getByRole("button", { name: "Disable" }).waitFor();
  });

  step("logs the user out everywhere: their refresh token is refused", async () => {
    const carol = world.sessions.get("carol@example.com")!;
    await page.getByRole("button", { name: "Log out everywhere" }).click();
    await actionResult(/logged out everywhere/);
    const refresh = await call(client(world, "/auth/session"), { method: "POST", token: carol.refresh_token });
    assert.equal(refresh.status, 401, refresh.text);
  });

  step("deletes the user after an in-page confirmation", async () => {
    const carol = world.sessions.get("carol@example.com")!;
    await page.getByRole("button", { name: "Delete", exact: true }).click();
    const dialog = page.getByRole("dialog", { name: "Delete this user?" });
    await dialog.waitFor();
    await screenshot(page, "delete-dialog");
    await dialog.getByRole("button", { name: "Delete user" }).click();
    await page.getByRole("heading", { name: "Users", level: 1 }).waitFor();
    await actionResult(/carol@example\.com deleted/);
    const rows = await search("carol");
    assert.deepEqual(rows, ["carol.jones@example.net"]);
    assert.equal(await world.server.services.store.users.get(TODO, carol.user_id), undefined, "gone from the store");
    assert.deepEqual(nativeDialogs, [], "no window.confirm");
  });

  step("confirms a pending registration of the mail-confirming app", async () => {
    await pickApp("confirm-app (confirm-app)");
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Pending registrations" }).click();
    await page.getByRole("heading", { name: "Pending registrations", level: 1 }).waitFor();
    await page.locator("table.pending tbody tr").first().waitFor();
    assert.deepEqual((await page.locator("table.pending tbody th").allTextContents()).sort(), [...PENDING_EMAILS].sort());
    await screenshot(page, "pending");
    const [email] = PENDING_EMAILS;
    await page
      .getByRole("row", { name: new RegExp(email!) })
      .getByRole("button", { name: "Confirm" })
      .click();
    await actionResult(new RegExp(`${email} confirmed`));
    await page.getByRole("row", { name: new RegExp(email!) }).waitFor({ state: "detached" });
    const login = await call(client(world, "/app/confirm-app/auth/providers/local-userpass/login"), {
      body: { username: email, password: PASSWORD },
    });
    assert.equal(login.status, 200, login.text);
  });

  step("lists the actions just taken in the events view, with charts of the seeded data", async () => {
    await pickApp("todo (todo-gatehouse)");
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Events" }).click();
    await page.getByRole("heading", { name: "Events", level: 1 }).waitFor();
    const table = page.locator("table.events");
    await table.waitFor();
    for (const type of ["delete", "logout_all", "enable", "disable"]) {
      const row = table.locator("tbody tr").filter({ has: page.locator("code", { hasText: new RegExp(`^${type}$`) }) });
      await row.first().waitFor();
      assert.match((await row.first().textContent()) ?? "", new RegExp(KEY_NAME), `${type} names the operator key`);
    }
    const events = await world.server.listAuditEvents({ clientAppId: TODO });
    const count = (type: string, ok: boolean) => events.filter((e) => e.type === type && (e.result === "ok") === ok).length;
    const chart = page.locator("figure.chart-activity");
    await chart.waitFor();
    assert.equal(await chart.getAttribute("data-logins"), String(count("login", true)));
    assert.equal(await chart.getAttribute("data-failed"), String(FAILED_LOGINS));
    assert.equal(await chart.getAttribute("data-signups"), String(count("user_created", true)));
    const painted = await chart.locator("canvas").evaluate((canvas: HTMLCanvasElement) => {
      const { data } = canvas.getContext("2d")!.getImageData(0, 0, canvas.width, canvas.height);
      let n = 0;
      for (let i = 3; i < data.length; i += 4) if (data[i]! > 0) n++;
      return n;
    });
    assert.ok(painted > 500, `the chart drew ${painted} pixels`);
    await screenshot(page, "events");
  });

  step("reads at phone width", async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Users" }).click();
    await page.locator("table.users tbody tr").first().waitFor();
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `the page scrolls sideways by ${overflow}px (only tables may)`);
    await screenshot(page, "users-phone");
    await page.setViewportSize({ width: 1280, height: 800 });
  });

  step("signs out: the admin session ends on the server and in the tab", async () => {
    const session = await page.evaluate(() => JSON.parse(sessionStorage.getItem("gatehouse-console:session")!));
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.getByLabel("Public key").waitFor();
    assert.deepEqual(await page.evaluate(() => Object.keys(sessionStorage)), []);
    const refresh = await call(`${world.url}/api/admin/v3.0/auth/session`, { method: "POST", token: session.refreshToken });
    assert.equal(refresh.status, 401, refresh.text);
    assert.deepEqual(problems, [], "no page error and no CSP violation");
  });
});
