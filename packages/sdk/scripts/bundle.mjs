#!/usr/bin/env node
// Builds the browser bundle dist/gatehouse.browser.js: one self-contained ES module (bson included),
// minified, for <script type="module"> or a CDN. Built from the TypeScript sources, so it does not
// depend on tsc having run. Prints the raw and gzipped sizes.
//
// platform "browser" makes esbuild fail on any node: import reaching the core — that is the check
// that the browser path has no Node-only code.
import { build } from "esbuild";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
export const BUNDLE_PATH = join(root, "dist", "gatehouse.browser.js");

/**
 * Builds the bundle.
 * @returns {Promise<{ path: string, bytes: number, gzipBytes: number }>}
 */
export async function bundle() {
  mkdirSync(dirname(BUNDLE_PATH), { recursive: true });
  const result = await build({
    entryPoints: [join(root, "src", "index.ts")],
    bundle: true,
    format: "esm",
    platform: "browser",
    target: ["es2020"],
    minify: true,
    sourcemap: "linked",
    legalComments: "none",
    outfile: BUNDLE_PATH,
    metafile: true,
    logLevel: "warning",
  });
  for (const input of Object.keys(result.metafile.inputs)) {
    if (input.startsWith("node:") || input.includes("/src/node/")) throw new Error(`Node-only input in browser bundle: ${input}`);
  }
  const code = readFileSync(BUNDLE_PATH);
  const stats = { path: BUNDLE_PATH, bytes: code.length, gzipBytes: gzipSync(code, { level: 9 }).length };
  writeFileSync(join(root, "dist", "gatehouse.browser.size.json"), JSON.stringify(stats, null, 2) + "\n");
  return stats;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { bytes, gzipBytes } = await bundle();
  console.log(`dist/gatehouse.browser.js: ${(bytes / 1024).toFixed(1)} KiB, ${(gzipBytes / 1024).toFixed(1)} KiB gzipped`);
}
