/**
 * Debian's Chromium for the browser tests, with flags that suit a root, sandbox-less, offline machine.
 * Without it the tests skip loudly; under `CI=true` a missing browser is a failure, never a skip.
 */
import { existsSync } from "node:fs";
import type { TestContext } from "node:test";
import { chromium, type Browser } from "playwright-core";

export const CHROMIUM_PATH = process.env["CHROMIUM_PATH"] ?? "/usr/bin/chromium";

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
  if (existsSync(CHROMIUM_PATH)) return true;
  const message = `Chromium not found at ${CHROMIUM_PATH} (apt-get install chromium, or set CHROMIUM_PATH)`;
  if (process.env["CI"] === "true") throw new Error(`${message}: browser tests may not be skipped in CI`);
  console.warn(`SKIPPED browser test: ${message}`);
  t.skip(message);
  return false;
}

/** Launches headless Chromium. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_FLAGS });
}
