/**
 * The repository as a newcomer meets it: a fresh clone, `npm ci`, then the README's `npx gatehouse …`
 * commands; the server package packed and installed into an empty project; and the tests that need
 * pieces from outside the repository (real exports, PostgreSQL, Chromium) run in that clone without
 * them: green, with one loud line per missing piece.
 *
 * Cost: `npm ci` runs offline-first from the npm cache with `--ignore-scripts`, then the root `prepare`
 * (the build) runs explicitly, in the order npm ci runs it: after the bins are linked. The only scripts
 * skipped are dependencies' install scripts; the one that matters, better-sqlite3's native compile
 * (about a minute here), is replaced by the binding this checkout already built, since `--version` and
 * `check` never open a database and the skipped-pieces run needs SQLite only for its own tests.
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative, resolve } from "node:path";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

const run = promisify(execFile);
const repoRoot = resolve(fileURLToPath(new URL("../..", import.meta.url)));
const version = (JSON.parse(readFileSync(join(repoRoot, "packages/server/package.json"), "utf8")) as { version: string }).version;

/**
 * The environment of a newcomer's shell: none of the npm_* variables `npm test` hands its children, nor
 * the test runner's marker that would turn a nested `node --test` into a silent child.
 */
function cleanEnv(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env))
    if (!/^npm_/i.test(key) && key !== "INIT_CWD" && key !== "NODE_TEST_CONTEXT") env[key] = value;
  for (const [key, value] of Object.entries(extra)) {
    if (value === undefined) delete env[key];
    else env[key] = value;
  }
  return env;
}

async function sh(cwd: string, file: string, args: string[], env = cleanEnv()): Promise<{ stdout: string; stderr: string }> {
  try {
    return await run(file, args, { cwd, env, maxBuffer: 64 * 1024 * 1024 });
  } catch (error) {
    const e = error as Error & { stdout?: string; stderr?: string };
    throw new Error(`${file} ${args.join(" ")} failed in ${cwd}: ${e.message}\n${e.stdout ?? ""}\n${e.stderr ?? ""}`);
  }
}

const NPM_FLAGS = ["--prefer-offline", "--ignore-scripts", "--no-audit", "--no-fund"];

describe("a fresh clone", { timeout: 600_000 }, () => {
  let base: string;
  let clone: string;

  before(async () => {
    base = mkdtempSync(join(tmpdir(), "gatehouse-fresh-"));
    clone = join(base, "repo");
    // A clone holds what is committed: uncommitted changes of this checkout are not part of it.
    await sh(base, "git", ["clone", "--quiet", repoRoot, clone]);
    await sh(clone, "npm", ["ci", ...NPM_FLAGS]);
    await sh(clone, "npm", ["run", "prepare"]);
  });
  after(() => rmSync(base, { recursive: true, force: true }));

  it("runs `npx gatehouse` and `npm exec gatehouse` right after npm ci", async () => {
    assert.ok(existsSync(join(clone, "node_modules/.bin/gatehouse")), "npm ci linked the gatehouse bin");
    assert.equal((await sh(clone, "npx", ["--no-install", "gatehouse", "--version"])).stdout.trim(), version);
    assert.equal((await sh(clone, "npm", ["exec", "--", "gatehouse", "--version"])).stdout.trim(), version);
    const check = await sh(clone, "npx", ["--no-install", "gatehouse", "check", "./examples/todo"]);
    assert.match(check.stdout, /^app todo-gatehouse /m);
    assert.match(check.stdout, /provider anon-user: enabled/);
  });

  it("gives a working `gatehouse` command from the packed server package in an empty project", async () => {
    const packed = await sh(clone, "npm", ["pack", "--silent", "-w", "packages/server", "--pack-destination", base]);
    const tarball = join(base, packed.stdout.trim().split("\n").pop()!);
    const project = join(base, "empty-project");
    mkdirSync(project);
    writeFileSync(join(project, "package.json"), JSON.stringify({ name: "empty-project", private: true }));
    await sh(project, "npm", ["install", ...NPM_FLAGS, tarball]);
    assert.equal((await sh(project, "npx", ["--no-install", "gatehouse", "--version"])).stdout.trim(), version);
    const check = await sh(project, "npx", ["--no-install", "gatehouse", "check", join(clone, "examples/todo")]);
    assert.match(check.stdout, /^app todo-gatehouse /m);
  });

  it("passes the tests that need outside pieces with none of them, one loud line each", async () => {
    const binding = "node_modules/better-sqlite3/build/Release/better_sqlite3.node";
    mkdirSync(join(clone, binding, ".."), { recursive: true });
    copyFileSync(join(repoRoot, binding), join(clone, binding));
    const files = testFilesNeedingPieces(clone);
    assert.ok(files.length >= 5, `found the tests that declare requirements: ${files.join(", ")}`);
    const env = cleanEnv({
      CI: undefined,
      GATEHOUSE_FIXTURES: undefined,
      GATEHOUSE_TEST_POSTGRES_URL: undefined,
      CHROMIUM_PATH: join(base, "no-chromium-here"),
    });
    assert.ok(!existsSync(join(clone, "../shared")), "no ../shared beside the clone");
    const result = await sh(clone, process.execPath, ["scripts/run-tests.mjs", ...files], env);
    const loud = result.stderr.split("\n").filter((line) => line.startsWith("SKIPPED: "));
    assert.equal(loud.length, 3, result.stderr);
    for (const piece of ["the 15 real App Services exports", "PostgreSQL", "Chromium"]) {
      assert.equal(loud.filter((line) => line.startsWith(`SKIPPED: tests that need ${piece}:`)).length, 1, `one line for ${piece}`);
    }
    assert.match(result.stdout, /^# fail 0$/m);
    assert.match(result.stdout, /^# pass [1-9]\d*$/m);
  });
});

/** Test files (relative to `root`) that declare a requirement of test/support/requirements.mjs. */
function testFilesNeedingPieces(root: string): string[] {
  const found: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.name === "node_modules") continue;
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith(".test.ts") && /\brequirement\("/.test(readFileSync(path, "utf8"))) found.push(relative(root, path));
    }
  };
  for (const top of ["packages/server/test", "packages/sdk/test", "test"]) walk(join(root, top));
  return found.sort();
}
