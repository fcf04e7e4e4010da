#!/usr/bin/env node
// Rewrites the console screenshots the README shows: runs the console's browser test with its pictures
// going to docs/images/console instead of a temp dir. The test fails (and nothing is half-updated
// silently) if any view cannot be reached or drawn.
import { spawnSync } from "node:child_process";

const result = spawnSync(process.execPath, ["scripts/run-tests.mjs", "test/browser/console.test.ts"], {
  stdio: "inherit",
  env: { ...process.env, GATEHOUSE_SCREENSHOTS_DIR: "docs/images/console" },
});
process.exit(result.status ?? 1);
