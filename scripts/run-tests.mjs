#!/usr/bin/env node
// Runs every *.test.ts under packages/*/test and test/ with node's own test runner.
// Node 20's --test takes no globs, so the files are listed here.
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { spawn } from "node:child_process";
import { missingPieces } from "../test/support/requirements.mjs";

const roots = process.argv.slice(2).length ? process.argv.slice(2) : ["packages/server/test", "packages/sdk/test", "test"];
const files = [];
function walk(dir) {
  let entries;
  try {
    entries = readdirSync(dir);
  } catch {
    return;
  }
  for (const name of entries) {
    const path = join(dir, name);
    if (name === "node_modules") continue;
    if (statSync(path).isDirectory()) walk(path);
    else if (name.endsWith(".test.ts")) files.push(path);
  }
}
for (const root of roots) {
  if (root.endsWith(".test.ts")) files.push(root);
  else walk(root);
}
files.sort();
if (files.length === 0) {
  console.error("no test files found");
  process.exit(1);
}
// One loud line per missing piece for the whole run (test/support/requirements.mjs); the files that
// need it skip quietly after that. Under CI=true nothing may be skipped.
const missing = missingPieces();
for (const { line } of missing) console.error(line);
if (missing.length > 0 && process.env.CI === "true") {
  console.error("CI=true: every test must run; install what is missing (.ci/run does)");
  process.exit(1);
}
const env = { ...process.env, GATEHOUSE_TEST_REQUIREMENTS_REPORTED: "1" };
const nodeTest = (timeoutMs, list) => [
  process.execPath,
  ["--import", "tsx", "--test", "--test-concurrency=2", `--test-timeout=${timeoutMs}`, ...list],
];

// `*.long.test.ts` (a fresh clone with npm ci and a build) need more than the two minutes a file gets;
// they run beside the rest, with their report printed after it, so they add no wall time.
const long = files.filter((f) => f.endsWith(".long.test.ts"));
const rest = files.filter((f) => !f.endsWith(".long.test.ts"));
const longRun =
  long.length === 0
    ? Promise.resolve({ status: 0, output: "" })
    : new Promise((resolve) => {
        const [cmd, args] = nodeTest(600_000, long);
        const child = spawn(cmd, args, { env, stdio: ["ignore", "pipe", "pipe"] });
        let output = "";
        child.stdout.on("data", (chunk) => (output += chunk));
        child.stderr.on("data", (chunk) => (output += chunk));
        child.on("close", (code) => resolve({ status: code ?? 1, output }));
      });
let status = 0;
if (rest.length > 0) {
  const [cmd, args] = nodeTest(120_000, rest);
  status = await new Promise((resolve) => spawn(cmd, args, { env, stdio: "inherit" }).on("close", (code) => resolve(code ?? 1)));
}
const longResult = await longRun;
if (long.length > 0) process.stdout.write(`# ---- ${long.join(", ")}\n${longResult.output}`);
process.exit(status || longResult.status || 0);
