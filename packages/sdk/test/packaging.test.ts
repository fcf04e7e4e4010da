/**
 * Packaging: the browser path has no Node-only import, the browser bundle builds and stays small, and
 * the runtime dependencies are bson alone.
 */
import assert from "node:assert/strict";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";

const sdkRoot = fileURLToPath(new URL("../", import.meta.url));
/** Gzipped size budget of the browser bundle (bson included; realm-web's minified bundle is ~38 KiB). */
const GZIP_BUDGET = 35 * 1024;

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sources(path) : path.endsWith(".ts") ? [path] : [];
  });
}

describe("packaging", () => {
  it("no module outside src/node imports a Node built-in or uses Node globals", () => {
    const core = sources(join(sdkRoot, "src")).filter((f) => !relative(sdkRoot, f).startsWith("src/node/"));
    assert.ok(core.length > 10);
    for (const file of core) {
      // Comments may show Node code (examples); judge the code only.
      const code = readFileSync(file, "utf8")
        .replace(/\/\*[\s\S]*?\*\//g, "")
        .replace(/^\s*\/\/.*$/gm, "");
      const imports = [...code.matchAll(/from "([^"]+)"/g)].map((m) => m[1]!);
      for (const spec of imports) {
        assert.ok(spec.startsWith(".") || spec === "bson", `${relative(sdkRoot, file)} imports ${spec}`);
      }
      assert.doesNotMatch(code, /\bBuffer\b|\brequire\(|process\.(env|platform|cwd)/, relative(sdkRoot, file));
    }
  });

  it("depends on bson only at run time", () => {
    const pkg = JSON.parse(readFileSync(join(sdkRoot, "package.json"), "utf8"));
    assert.deepEqual(Object.keys(pkg.dependencies), ["bson"]);
    assert.equal(pkg.type, "module");
    assert.equal(pkg.exports["."].types, "./dist/index.d.ts");
    assert.equal(pkg.exports["./node"].types, "./dist/node/index.d.ts");
    assert.equal(pkg.exports["./browser"], "./dist/gatehouse.browser.js");
  });

  it("builds a self-contained browser bundle within its size budget", async () => {
    // platform "browser": esbuild fails on any node: import reaching the bundle.
    const { bundle } = await import(new URL("../scripts/bundle.mjs", import.meta.url).href);
    const { gzipBytes, bytes } = (await bundle()) as { gzipBytes: number; bytes: number };
    assert.ok(gzipBytes < GZIP_BUDGET, `bundle is ${gzipBytes} bytes gzipped (budget ${GZIP_BUDGET})`);
    const code = readFileSync(join(sdkRoot, "dist/gatehouse.browser.js"), "utf8");
    assert.equal(code.length, bytes);
    assert.doesNotMatch(code, /from\s*"(?!\.)/, "no bare imports left: the bundle is self-contained");
    const exported = /export\s*\{([^}]*)\}\s*;?\s*(\/\/# sourceMappingURL=.*)?\s*$/.exec(code)?.[1] ?? "";
    for (const name of ["App", "Credentials", "User", "MongoDBRealmError", "BSON", "LocalStorage", "getApp"]) {
      assert.match(exported, new RegExp(`\\bas ${name}\\b|\\b${name}\\b`), `bundle exports ${name}`);
    }
  });
});
