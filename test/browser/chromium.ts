/**
 * Debian's Chromium for the browser tests, with flags that suit a root, sandbox-less, offline machine.
 * Without it the tests skip loudly; under `CI=true` a missing browser is a failure, never a skip.
 */
import { it, type TestContext } from "node:test";
import { chromium, type Browser } from "playwright-core";
import { chromiumPath, requirement } from "../support/requirements.mjs";

/** Where the browser is looked for (test/support/requirements.mjs: CHROMIUM_PATH, else Debian's). */
export const CHROMIUM_PATH = chromiumPath;

export const CHROMIUM_FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/** True when Chromium is there; otherwise skips the test (or fails it in CI) and returns false. */
export function requireChromium(t: TestContext): boolean {
  // One loud line per run, and a failure under CI=true, as for every outside piece.
  const missing = requirement("chromium");
  if (!missing) return true;
  t.skip(missing);
  return false;
}

/** Launches headless Chromium. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_FLAGS });
}

/**
 * `it` for one step of a walk through the browser: without Chromium every step skips loudly (or, under
 * `CI=true`, fails) instead of running.
 */
export function browserStep(name: string, body: () => Promise<void>): void {
  it(name, async (t) => {
    if (requireChromium(t)) await body();
  });
}
