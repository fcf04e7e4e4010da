/**
 * The operator console walked by keyboard alone, in a real Chromium against a real server: every
 * view, every action and the dialogs, with Tab / Shift+Tab, Enter, Space, Escape (and arrow keys on a
 * closed `<select>`, as a keyboard user changes one). No click, no `fill`, no `focus()` from the test:
 * after each step it asserts where focus landed — the new view's heading, the control just used, the
 * dialog's buttons (and only them), back on the opener after Escape, the result of an action whose
 * row went away.
 */
import assert from "node:assert/strict";
import { after, before, describe } from "node:test";
import type { Browser, Page } from "playwright-core";
import { browserStep, launchChromium } from "./chromium.ts";
import { call, PENDING_EMAILS, SEEDED_ANONYMOUS, SEEDED_EMAILS, startConsoleWorld, type ConsoleWorld } from "./console-fixture.ts";

const TODO = "todo-gatehouse";
/** Anonymous users added to the seeded ones so the users list has a second page. */
const EXTRA_USERS = 40;
const TOTAL_USERS = SEEDED_EMAILS.length + SEEDED_ANONYMOUS + EXTRA_USERS;

/** What has focus: enough to tell controls apart by role and accessible name. */
interface Focus {
  tag: string;
  role: string | null;
  name: string;
  inDialog: boolean;
}

describe("operator console by keyboard alone", () => {
  let world: ConsoleWorld;
  let browser: Browser;
  let page: Page;
  const problems: string[] = [];

  before(async () => {
    world = await startConsoleWorld();
    for (let n = 0; n < EXTRA_USERS; n++) {
      const login = await call(`${world.url}/api/client/v2.0/app/${TODO}/auth/providers/anon-user/login`, { body: {} });
      assert.equal(login.status, 200, login.text);
    }
  });
  after(async () => {
    await browser?.close();
    await world?.close();
  });

  const step = browserStep;

  const focus = (): Promise<Focus> =>
    page.evaluate(() => {
      const e = document.activeElement as HTMLElement | null;
      if (!e || e === document.body) return { tag: "body", role: null, name: "", inDialog: false };
      const labelled = (e as HTMLInputElement).labels?.[0]?.textContent;
      const name = (e.getAttribute("aria-label") ?? labelled ?? e.textContent ?? "").trim().replace(/\s+/g, " ");
      return { tag: e.tagName.toLowerCase(), role: e.getAttribute("role"), name, inDialog: e.closest("dialog[open]") !== null };
    });

  async function expectFocus(tag: string, name: string | RegExp, what: string): Promise<Focus> {
    // Focus moves after the view has rendered: poll the page, not the clock.
    await page
      .waitForFunction(
        ([t, n, isRegExp]) => {
          const e = document.activeElement as HTMLElement | null;
          if (!e || e.tagName.toLowerCase() !== t) return false;
          const labelled = (e as HTMLInputElement).labels?.[0]?.textContent;
          const text = (e.getAttribute("aria-label") ?? labelled ?? e.textContent ?? "").trim().replace(/\s+/g, " ");
          return isRegExp ? new RegExp(n).test(text) : text === n;
        },
        [tag, typeof name === "string" ? name : name.source, typeof name !== "string"] as const,
      )
      .catch(async () => assert.fail(`${what}: focus is on ${JSON.stringify(await focus())}, expected ${tag} "${name}"`));
    return focus();
  }

  /** Presses Tab (or Shift+Tab) until focus is on `tag` named `name`; fails after `max` presses. */
  async function tabTo(tag: string, name: string | RegExp, { back = false, max = 80 } = {}): Promise<number> {
    for (let n = 1; n <= max; n++) {
      await page.keyboard.press(back ? "Shift+Tab" : "Tab");
      const now = await focus();
      if (now.tag === tag && (typeof name === "string" ? now.name === name : name.test(now.name))) return n;
    }
    assert.fail(`${tag} "${name}" is not reachable with ${max} ${back ? "Shift+Tab" : "Tab"} presses`);
  }

  async function typeText(text: string): Promise<void> {
    await page.keyboard.type(text, { delay: 15 });
  }

  async function clearField(): Promise<void> {
    await page.keyboard.press("Control+A");
    await page.keyboard.press("Backspace");
  }

  const hint = (re: RegExp) => page.locator("p.hint").filter({ hasText: re }).waitFor();
  const rowNames = () => page.locator("table.users tbody th").allTextContents();

  step("signs in: Tab to the key fields, Enter submits, focus lands on the Apps heading", async () => {
    browser = await launchChromium();
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    page = await context.newPage();
    page.setDefaultTimeout(10_000);
    page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
    page.on("console", (m) => {
      if (m.type() === "error" && !/status of 40[014]/.test(m.text())) problems.push(`console: ${m.text()}`);
    });
    await page.goto(`${world.url}/console/`);
    assert.equal(await tabTo("input", "Public key", { max: 3 }), 1, "the first Tab reaches the public key");
    await typeText(world.key.username);
    await page.keyboard.press("Tab");
    await expectFocus("input", "Private key", "Tab from the public key");
    await typeText("wrong-private-key");
    await page.keyboard.press("Enter");
    await page.getByRole("alert").waitFor();
    await expectFocus("input", "Private key", "a refused key keeps focus in the form");
    await clearField();
    await typeText(world.key.apiKey);
    await page.keyboard.press("Enter");
    await expectFocus("h1", "Apps", "after signing in");
  });

  step("the skip link moves focus to the content without changing the view", async () => {
    await page.reload();
    await page.getByRole("heading", { name: "Apps", level: 1 }).waitFor();
    await page.locator("article.app-card table.providers").first().waitFor();
    assert.equal((await focus()).tag, "body", "a fresh load leaves focus alone");
    const hashBefore = new URL(page.url()).hash;
    await page.keyboard.press("Tab");
    await expectFocus("a", "Skip to content", "the first Tab");
    await page.keyboard.press("Enter");
    await expectFocus("main", /^Apps/, "Enter on the skip link");
    assert.equal(new URL(page.url()).hash, hashBefore, "the route is unchanged");
    await page.getByRole("heading", { name: "Apps", level: 1 }).waitFor();
  });

  step("apps: Space flips a provider switch, focus stays on it, logins follow", async () => {
    const anonLogin = () => call(`${world.url}/api/client/v2.0/app/${TODO}/auth/providers/anon-user/login`, { body: {} });
    const todo = page.getByRole("article", { name: "todo" });
    await tabTo("input", "anon-user enabled");
    assert.equal((await focus()).role, "switch");
    // The card reloads its providers after each change. Hold that reload at the browser's network layer
    // and press again while it is held: the switch must show what was asked, and the second press must
    // undo the first, not repeat it (it once showed the old list's state until the reload landed).
    const anonSwitch = todo.getByRole("switch", { name: "anon-user enabled" });
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let reached!: () => void;
    const reloadHeld = new Promise<void>((resolve) => (reached = resolve));
    const providersList = (url: URL) => url.pathname.endsWith("/auth_providers");
    await page.route(providersList, async (route) => {
      if (route.request().method() === "GET") {
        reached();
        await gate;
      }
      // The page aborts a reload that a newer one replaced; such a request can no longer be continued.
      await route.continue().catch(() => {});
    });
    await page.keyboard.press("Space");
    await todo.locator(".result-ok").filter({ hasText: "anon-user disabled." }).waitFor();
    await reloadHeld;
    assert.equal(await anonSwitch.isChecked(), false, "switched off while the reload is held");
    await expectFocus("input", "anon-user enabled", "after switching off");
    assert.equal((await anonLogin()).status, 404);
    await page.keyboard.press("Space");
    await todo.locator(".result-ok").filter({ hasText: "anon-user enabled." }).waitFor();
    assert.equal(await anonSwitch.isChecked(), true, "switched on while the first reload is still held");
    const landed = page.waitForResponse((r) => providersList(new URL(r.url())) && r.request().method() === "GET");
    release();
    await landed;
    await page.unroute(providersList);
    await expectFocus("input", "anon-user enabled", "after switching on");
    assert.equal((await anonLogin()).status, 200);
    assert.equal(await anonSwitch.isChecked(), true, "still on once the reloads landed");
    // The unsupported provider's switch is disabled, so Tab passes over it.
    const second = page.getByRole("article", { name: "second" });
    await second.getByRole("row", { name: /oauth2-ldap/ }).waitFor();
    for (let n = 0; n < 30; n++) {
      await page.keyboard.press("Tab");
      assert.notEqual((await focus()).name, "oauth2-ldap enabled", "a disabled switch takes no focus");
    }
  });

  step("users: Enter on an app's Users link, search, filters, keyset pages", async () => {
    await page.keyboard.press("Shift+Tab");
    await tabTo("a", "Users", { back: true });
    // The todo card's link: the first "Users" link going back from the end is the last card's; go on.
    while (
      !(await page
        .getByRole("article", { name: "todo" })
        .getByRole("link", { name: "Users" })
        .evaluate((a) => a === document.activeElement))
    ) {
      await tabTo("a", "Users", { back: true });
    }
    await page.keyboard.press("Enter");
    await expectFocus("h1", "Users", "the users view");
    await page.locator("table.users tbody tr").first().waitFor();
    assert.equal(await tabTo("input", "Search users", { max: 2 }), 1, "the search box comes right after the heading");
    await typeText("carol");
    await hint(/starts with carol · page 1 · \d+ shown/);
    assert.deepEqual((await rowNames()).sort(), SEEDED_EMAILS.filter((e) => e.startsWith("carol")).sort());
    await expectFocus("input", "Search users", "typing keeps focus in the box");

    // Filters: arrow keys on a closed select change it at once.
    await page.keyboard.press("Tab");
    await expectFocus("select", "Provider", "Tab from the search box");
    while ((await page.getByLabel("Provider").inputValue()) !== "anon-user") await page.keyboard.press("ArrowDown");
    await hint(/starts with carol · page 1 · 0 shown/);
    await page.getByText("No user matches.").waitFor();
    while ((await page.getByLabel("Provider").inputValue()) !== "local-userpass") await page.keyboard.press("ArrowDown");
    await hint(/starts with carol · page 1 · 2 shown/);
    await page.keyboard.press("Tab");
    await expectFocus("select", "State", "Tab from the provider");
    await page.keyboard.press("ArrowDown"); // Enabled
    await page.keyboard.press("ArrowDown"); // Disabled
    assert.equal(await page.getByLabel("State").inputValue(), "disabled");
    await page.getByText("No user matches.").waitFor();
    await page.keyboard.press("ArrowUp");
    await page.keyboard.press("ArrowUp");
    await hint(/starts with carol · page 1 · 2 shown/);
    await page.keyboard.press("Tab");
    await expectFocus("input", "Created after", "Tab from the state");
    await page.keyboard.press("Tab");

    // Back to every user: Shift+Tab to the box, clear it, Tab past the filters to the pager.
    await tabTo("input", "Search users", { back: true });
    await clearField();
    await tabTo("select", "Provider");
    while ((await page.getByLabel("Provider").inputValue()) !== "") await page.keyboard.press("ArrowUp");
    await hint(/^All users · page 1 · 50 shown/);
    const firstPage = await rowNames();
    await tabTo("button", "Next page");
    await page.keyboard.press("Enter");
    const total = (await world.server.services.store.adminStats.userCounts()).get(TODO)!;
    assert.ok(total >= TOTAL_USERS, `${total} users`);
    await hint(new RegExp(`^All users · page 2 · ${total - 50} shown`));
    await expectFocus("button", "Next page", "paging keeps focus on the pager");
    const secondPage = await rowNames();
    assert.equal(secondPage.filter((name) => firstPage.includes(name)).length, 0, "page 2 holds other users");
    assert.equal(await page.getByRole("button", { name: "Next page" }).isDisabled(), true, "the last page");
    await page.keyboard.press("Shift+Tab");
    await expectFocus("button", "Previous page", "Shift+Tab from Next page");
    await page.keyboard.press("Enter");
    await hint(/^All users · page 1 · 50 shown/);
    await expectFocus("button", "Previous page", "back on page 1");
  });

  step("a user: Enter opens them, each action by keyboard, the delete dialog traps focus and gives it back", async () => {
    await tabTo("input", "Search users", { back: true });
    await typeText("carol@");
    await hint(/starts with carol@ · page 1 · 1 shown/);
    await tabTo("a", "carol@example.com");
    await page.keyboard.press("Enter");
    await expectFocus("h1", "carol@example.com", "the user page");
    await page.getByRole("article", { name: "Identities" }).getByText("local-userpass").waitFor();

    const carol = world.sessions.get("carol@example.com")!;
    await page.keyboard.press("Tab");
    await expectFocus("button", "Disable", "the first action after the heading");
    await page.keyboard.press("Enter");
    await page
      .locator(".result-ok")
      .filter({ hasText: /User disabled/ })
      .waitFor();
    await expectFocus("button", "Enable", "the button that replaced Disable");
    assert.equal((await call(`${world.url}/api/client/v2.0/auth/profile`, { token: carol.access_token })).status, 401);
    await page.keyboard.press("Space");
    await page
      .locator(".result-ok")
      .filter({ hasText: /User enabled/ })
      .waitFor();
    await expectFocus("button", "Disable", "after enabling");

    await page.keyboard.press("Tab");
    await expectFocus("button", "Log out everywhere", "Tab from Disable");
    await page.keyboard.press("Enter");
    await page
      .locator(".result-ok")
      .filter({ hasText: /logged out everywhere/ })
      .waitFor();
    await expectFocus("button", "Log out everywhere", "after logging out");

    await page.keyboard.press("Tab");
    await expectFocus("button", "Delete", "Tab from Log out everywhere");
    await page.keyboard.press("Enter");
    const dialog = page.getByRole("dialog", { name: "Delete this user?" });
    await dialog.waitFor();
    assert.deepEqual(await expectFocus("button", "Cancel", "the dialog opens on Cancel"), {
      tag: "button",
      role: null,
      name: "Cancel",
      inDialog: true,
    });
    // Tab and Shift+Tab go round the dialog's two buttons and never reach the page behind it.
    const seen: string[] = [];
    for (let n = 0; n < 4; n++) {
      await page.keyboard.press("Tab");
      const now = await focus();
      if (now.inDialog) seen.push(now.name);
      else assert.fail(`Tab left the dialog: ${JSON.stringify(now)}`);
    }
    for (let n = 0; n < 3; n++) {
      await page.keyboard.press("Shift+Tab");
      assert.equal((await focus()).inDialog, true, "Shift+Tab stays in the dialog");
    }
    assert.deepEqual([...new Set(seen)].sort(), ["Cancel", "Delete user"]);
    await page.keyboard.press("Escape");
    await dialog.waitFor({ state: "hidden" });
    await expectFocus("button", "Delete", "Escape gives focus back to the opener");
    assert.ok(await world.server.services.store.users.get(TODO, carol.user_id), "Escape deleted nothing");

    await page.keyboard.press("Enter");
    await dialog.waitFor();
    await expectFocus("button", "Cancel", "the dialog again");
    await page.keyboard.press("Enter");
    await dialog.waitFor({ state: "hidden" });
    await expectFocus("button", "Delete", "Enter on Cancel gives focus back too");
    await page.keyboard.press("Enter");
    await dialog.waitFor();
    await page.keyboard.press("Tab");
    await expectFocus("button", "Delete user", "Tab to the confirm button");
    await page.keyboard.press("Enter");
    await expectFocus("h1", "Users", "after the delete, the users view");
    await page
      .locator(".result-ok")
      .filter({ hasText: /carol@example\.com deleted/ })
      .waitFor();
    assert.equal(await world.server.services.store.users.get(TODO, carol.user_id), undefined);
  });

  step("pending registrations: the app picker by arrow keys, confirm, delete through its dialog", async () => {
    await tabTo("select", "App", { back: true });
    const confirmAppId = await page
      .getByLabel("App", { exact: true })
      .evaluate((select: HTMLSelectElement) => Array.from(select.options).find((o) => o.text.includes("(confirm-app)"))!.value);
    while ((await page.getByLabel("App", { exact: true }).inputValue()) !== confirmAppId) await page.keyboard.press("ArrowDown");
    await page.waitForURL(new RegExp(`#/apps/${confirmAppId}/users$`));
    await expectFocus("select", "App", "changing the app keeps focus on the picker");
    await tabTo("a", "Pending registrations", { back: true });
    await page.keyboard.press("Enter");
    await expectFocus("h1", "Pending registrations", "the pending view");
    await page.locator("table.pending tbody tr").first().waitFor();

    const [first, second] = PENDING_EMAILS as [string, string];
    const rowOf = (email: string) => page.getByRole("row", { name: new RegExp(email) });
    // Confirm the first: its row goes, and focus goes to the result.
    while (
      !(await rowOf(first)
        .getByRole("button", { name: "Confirm" })
        .evaluate((b) => b === document.activeElement))
    ) {
      await tabTo("button", "Confirm");
    }
    await page.keyboard.press("Enter");
    await expectFocus("p", `${first} confirmed.`, "the result of a confirm");
    await rowOf(first).waitFor({ state: "detached" });
    const login = await call(`${world.url}/api/client/v2.0/app/confirm-app/auth/providers/local-userpass/login`, {
      body: { username: first, password: "console-test-pw" },
    });
    assert.equal(login.status, 200, login.text);

    await tabTo("button", "Delete");
    await page.keyboard.press("Enter");
    const dialog = page.getByRole("dialog", { name: "Delete this registration?" });
    await dialog.waitFor();
    await expectFocus("button", "Cancel", "the registration dialog opens on Cancel");
    await page.keyboard.press("Escape");
    await expectFocus("button", "Delete", "Escape gives focus back");
    await page.keyboard.press("Enter");
    await dialog.waitFor();
    await page.keyboard.press("Tab");
    await expectFocus("button", "Delete registration", "Tab to the confirm button");
    await page.keyboard.press("Enter");
    await expectFocus("p", `Registration of ${second} deleted.`, "the result of a delete");
    await page.getByText("No registration is waiting for confirmation.").waitFor();
  });

  step("events: nav link by Enter, filters typed and picked by keyboard, charts follow the range", async () => {
    while (
      (await page.getByLabel("App", { exact: true }).evaluate((s: HTMLSelectElement) => s.selectedOptions[0]?.text ?? "")) !==
      "todo (todo-gatehouse)"
    ) {
      await tabTo("select", "App", { back: true });
      await page.keyboard.press("ArrowUp");
    }
    await tabTo("a", "Events", { back: true });
    await page.keyboard.press("Enter");
    await expectFocus("h1", "Events", "the events view");
    await page.locator("table.events tbody tr").first().waitFor();
    const chart = page.locator("figure.chart-activity");
    await chart.waitFor();
    assert.equal(await chart.getAttribute("data-buckets"), "25", "24 hours touch 25 hour buckets");

    await page.keyboard.press("Tab");
    await expectFocus("input", "Type", "the first filter after the heading");
    await typeText("disable");
    const types = () => page.locator("table.events tbody td code").allTextContents();
    await page.waitForFunction(() => {
      const codes = Array.from(document.querySelectorAll("table.events tbody tr")).map((r) => r.textContent ?? "");
      return codes.length > 0 && codes.every((t) => t.includes("disable"));
    });
    assert.ok((await types()).includes("disable"));
    await page.keyboard.press("Tab");
    await expectFocus("input", "Result", "Tab from the type");
    await typeText("ok");
    await page.keyboard.press("Tab");
    await expectFocus("input", "User id", "Tab from the result");
    await page.keyboard.press("Tab");
    await expectFocus("select", "Time range", "Tab from the user id");
    await page.keyboard.press("ArrowDown");
    assert.equal(await page.getByLabel("Time range").inputValue(), "Last 7 days");
    // Wait for the 7-day chart itself: the 24-hour one's 25 buckets would also pass a ">= 7".
    await page.waitForFunction(() => {
      const buckets = Number(document.querySelector("figure.chart-activity")?.getAttribute("data-buckets"));
      return buckets === 7 || buckets === 8;
    });
    const buckets = Number(await page.locator("figure.chart-activity").getAttribute("data-buckets"));
    assert.ok(buckets === 7 || buckets === 8, `seven days of day buckets, got ${buckets}`);
    const events = await world.server.listAuditEvents({ clientAppId: TODO });
    const logins = events.filter((e) => e.type === "login" && e.result === "ok").length;
    assert.equal(await page.locator("figure.chart-activity").getAttribute("data-logins"), String(logins));
    await page.keyboard.press("Tab");
    await expectFocus("button", "Refresh", "Tab from the time range");
    await page.keyboard.press("Enter");
    await expectFocus("button", "Refresh", "after refreshing");
  });

  step("signs out by keyboard: Shift+Tab from the view reaches Sign out, Enter ends the session", async () => {
    await tabTo("button", "Sign out", { back: true });
    await page.keyboard.press("Enter");
    await page.getByLabel("Public key").waitFor();
    assert.deepEqual(await page.evaluate(() => Object.keys(sessionStorage)), []);
    assert.deepEqual(problems, [], "no page error and no CSP violation");
  });
});
