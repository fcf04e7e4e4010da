/**
 * The README shows exactly the screenshots the console's browser test takes, and every one of them is
 * in the repository: `npm run screenshots` writes them, this test notices when a view is added, renamed
 * or dropped without the README or the pictures following.
 */
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { repoRoot } from "../../packages/server/test/helpers/server.ts";

const SHOTS = "docs/images/console";

describe("console screenshots in the README", () => {
  it("names each picture the browser test takes, and each is committed", () => {
    const readme = readFileSync(join(repoRoot, "README.md"), "utf8");
    const shown = [...readme.matchAll(/\]\(docs\/images\/console\/([\w-]+)\.png\)/g)].map((m) => m[1]!).sort();
    const test = readFileSync(join(repoRoot, "test/browser/console.test.ts"), "utf8");
    const taken = [...test.matchAll(/screenshot\(page, "([\w-]+)"\)/g)].map((m) => m[1]!).sort();
    assert.ok(taken.length >= 6, `the test takes ${taken.length} screenshots`);
    assert.deepEqual(shown, taken, "README pictures = the screenshots the test takes");
    for (const name of taken) {
      const path = join(repoRoot, SHOTS, `${name}.png`);
      assert.ok(existsSync(path), `${SHOTS}/${name}.png is missing: run npm run screenshots`);
      const png = readFileSync(path);
      assert.equal(png.subarray(1, 4).toString("latin1"), "PNG", `${name}.png is a PNG`);
    }
  });
});
