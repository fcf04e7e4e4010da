/**
 * Pins how tests reach pieces from outside the repository: only test/support/requirements.mjs looks for
 * them, and every test file that uses one declares it with `requirement(...)`, so a machine without it
 * skips that file loudly (and CI fails) instead of crashing somewhere inside.
 */
import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";

const repoRoot = resolve(fileURLToPath(new URL("../..", import.meta.url)));
const EXEMPT = new Set(["test/support/requirements.mjs", "test/support/requirements.d.mts", "test/install/fresh-clone.long.test.ts"]);

function sources(): { path: string; text: string }[] {
  const found: { path: string; text: string }[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.name === "node_modules" || entry.name === "fixtures") continue;
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (/\.(ts|mts|mjs|js)$/.test(entry.name)) found.push({ path: relative(repoRoot, path), text: readFileSync(path, "utf8") });
    }
  };
  for (const top of ["packages/server/test", "packages/sdk/test", "test", "scripts"]) walk(join(repoRoot, top));
  return found.filter((file) => !EXEMPT.has(file.path) && file.path !== "test/install/requirements.test.ts");
}

/** What a test file touches → the requirement it must declare. */
const USES: [RegExp, string][] = [
  [/\b(fixturesDir|fixture\(|loadFixture)\b/, "fixtures"],
  [/\bfreshPostgresSchema\b/, "postgres"],
  [/\b(chromiumPath|launchChromium)\b/, "chromium"],
];

describe("outside pieces of the test suite", () => {
  it("are located only by test/support/requirements.mjs", () => {
    const pattern =
      /process\.env(\.|\[["'])(GATEHOUSE_FIXTURES|GATEHOUSE_TEST_POSTGRES_URL|CHROMIUM_PATH)\b|shared\/fixtures|\/usr\/bin\/chromium/;
    const offenders = sources()
      .filter((file) => pattern.test(file.text))
      .map((file) => file.path);
    assert.deepEqual(offenders, []);
  });

  it("are declared by every test file that uses them", () => {
    const undeclared: string[] = [];
    for (const file of sources().filter((f) => f.path.endsWith(".test.ts"))) {
      for (const [use, piece] of USES) {
        // test/browser/chromium.ts's requireChromium(t) declares Chromium for the test it is called in, and
        // its browserStep wraps each step in it.
        const declared =
          file.text.includes(`requirement("${piece}")`) || (piece === "chromium" && /\brequireChromium\(|\bbrowserStep\b/.test(file.text));
        if (use.test(file.text) && !declared) undeclared.push(`${file.path} uses ${piece}`);
      }
    }
    assert.deepEqual(undeclared, []);
  });
});
