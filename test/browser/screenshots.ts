/**
 * Screenshots of the console's views. Every run takes them (so a view that cannot be drawn fails the
 * test); they land in a temp dir unless GATEHOUSE_SCREENSHOTS_DIR names a folder — `npm run
 * screenshots` points it at docs/images/console, which the README shows.
 */
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { Page } from "playwright-core";

let dir: string | undefined;
let temporary = false;

function outputDir(): string {
  if (!dir) {
    const configured = process.env["GATEHOUSE_SCREENSHOTS_DIR"];
    temporary = !configured;
    dir = configured ? resolve(configured) : mkdtempSync(join(tmpdir(), "gatehouse-console-shots-"));
    mkdirSync(dir, { recursive: true });
  }
  return dir;
}

/** Writes `<name>.png` of the page as it is now (viewport only, as a person sees it). */
export async function screenshot(page: Page, name: string): Promise<string> {
  const path = join(outputDir(), `${name}.png`);
  // Carets blink and spinners turn: hide them so that two runs over the same state look the same.
  await page.screenshot({ path, animations: "disabled", caret: "hide" });
  return path;
}

/** Removes the pictures of a run that kept them in a temp dir (a run for the README keeps them). */
export function discardTemporaryScreenshots(): void {
  if (dir && temporary) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
}
