#!/usr/bin/env node
// Builds the browser bundle dist/gatehouse.browser.js: one self-contained ES module (bson included),
// minified, for <script type="module"> or a CDN. Built from the TypeScript sources, so it does not
// depend on tsc having run. Prints the raw and gzipped sizes.
//
// platform "browser" makes esbuild fail on any node: import reaching the core — that is the check
// that the browser path has no Node-only code.
import { build } from "esbuild";
import { mkdirSync, renameSync, writeFileSync } from "node:fs";
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
    // Written below, atomically: tests may build the bundle while another test reads it.
    write: false,
    metafile: true,
    logLevel: "warning",
  });
  for (const input of Object.keys(result.metafile.inputs)) {
    if (input.startsWith("node:") || input.includes("/src/node/")) throw new Error(`Node-only input in browser bundle: ${input}`);
  }
  let code;
  for (const file of result.outputFiles) {
    writeAtomically(file.path, file.contents);
    if (file.path === BUNDLE_PATH) code = file.contents;
  }
  const stats = { path: "dist/gatehouse.browser.js", bytes: code.length, gzipBytes: gzipSync(code, { level: 9 }).length };
  writeAtomically(join(root, "dist", "gatehouse.browser.size.json"), JSON.stringify(stats, null, 2) + "\n");
  return stats;
}

function writeAtomically(path, contents) {
  const temp = `${path}.${process.pid}.tmp`;
  writeFileSync(temp, contents);
  renameSync(temp, path);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { bytes, gzipBytes } = await bundle();
  console.log(`dist/gatehouse.browser.js: ${(bytes / 1024).toFixed(1)} KiB, ${(gzipBytes / 1024).toFixed(1)} KiB gzipped`);
}
