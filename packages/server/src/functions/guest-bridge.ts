/**
 * The stateless host helpers the guest's built-in modules call (`native.crypto`, `native.zlib`,
 * `native.url`) and the resolver behind `require` of an app's npm packages. All run synchronously
 * in the worker while the guest waits, so each is bounded: inputs live in the VM's capped memory,
 * outputs are capped, and nothing here loops on guest-chosen counts.
 */
import { createHash, createHmac, getHashes, randomBytes, randomUUID } from "node:crypto";
import { readFileSync, realpathSync } from "node:fs";
import { createRequire } from "node:module";
import { join, sep } from "node:path";
import zlib from "node:zlib";
import { BUILTIN_ALLOWLIST, NODE_BUILTINS } from "./sandbox-require.js";

const HASHES = new Set(getHashes());

/** `native.crypto(op, ...)`: bytes in and out as Uint8Array copies. */
export function cryptoOp(op: string, a?: unknown, b?: Uint8Array, c?: Uint8Array): Uint8Array | string {
  switch (op) {
    case "check":
      if (!HASHES.has(String(a).toLowerCase())) throw new Error(`Digest method not supported: ${String(a)}`);
      return "";
    case "hash":
      return createHash(String(a)).update(b!).digest();
    case "hmac":
      return createHmac(String(a), b!).update(c!).digest();
    case "random":
      return randomBytes(Math.min(65536, Math.max(0, Number(a) | 0)));
    case "uuid":
      return randomUUID();
    case "hashes":
      return JSON.stringify([...HASHES]);
    default:
      throw new Error(`unknown crypto operation '${op}'`);
  }
}

const ZLIB: Record<string, (data: Uint8Array, options: zlib.ZlibOptions & zlib.BrotliOptions) => Buffer> = {
  gzip: zlib.gzipSync,
  gunzip: zlib.gunzipSync,
  deflate: zlib.deflateSync,
  inflate: zlib.inflateSync,
  deflateRaw: zlib.deflateRawSync,
  inflateRaw: zlib.inflateRawSync,
  unzip: zlib.unzipSync,
  brotliCompress: zlib.brotliCompressSync,
  brotliDecompress: zlib.brotliDecompressSync,
};

/** `native.zlib(op, bytes)`; the output is capped so a small bomb cannot fill the worker's memory. */
export function zlibOp(op: string, data: Uint8Array, maxOutputBytes: number): Uint8Array {
  const fn = Object.hasOwn(ZLIB, op) ? ZLIB[op] : undefined;
  if (!fn) throw new Error(`unknown zlib operation '${op}'`);
  return fn(data, { maxOutputLength: maxOutputBytes });
}

const URL_PARTS = ["href", "protocol", "username", "password", "host", "hostname", "port", "pathname", "search", "hash", "origin"] as const;

/** `native.url(input, base, part, value)`: parses (and optionally sets one part), answering JSON. */
export function urlOp(input: string, base: string, part: string, value: string): string {
  try {
    const url = base ? new URL(input, base) : new URL(input);
    if (part && part !== "origin" && (URL_PARTS as readonly string[]).includes(part)) {
      (url as unknown as Record<string, string>)[part] = value;
    }
    return JSON.stringify(Object.fromEntries(URL_PARTS.map((p) => [p, url[p]])));
  } catch {
    return JSON.stringify({ error: `Invalid URL: ${input}` });
  }
}

/**
 * Resolves `require(name)` made from `fromFile` (empty for function code) to a file inside the
 * app's `functions/node_modules`, and reads it. Function code may name packages only; files of a
 * package may also require their own relative paths. Anything resolving outside that folder
 * (symlinks included) is refused. Answers JSON `{id, source, json}` or `{error}`.
 */
export function resolveAppModule(appDir: string, fromFile: string, name: string): string {
  const root = join(appDir, "functions", "node_modules");
  const fail = (error: string) => JSON.stringify({ error });
  const bare = name.startsWith("node:") ? name.slice(5) : name;
  if (name.startsWith("node:") || NODE_BUILTINS.has(bare) || NODE_BUILTINS.has(bare.split("/")[0]!)) {
    return fail(`module '${name}' is not available in functions (allowed built-ins: ${BUILTIN_ALLOWLIST.join(", ")})`);
  }
  const relative = name.startsWith("./") || name.startsWith("../");
  if (!fromFile && (relative || name.startsWith("/") || name.includes("\\") || name.includes(".."))) {
    return fail(`require('${name}'): only package names are allowed`);
  }
  if (name.startsWith("/") || name.includes("\\")) return fail(`require('${name}'): only package names are allowed`);
  let resolved: string;
  try {
    resolved = createRequire(fromFile || join(appDir, "functions", "package.json")).resolve(name);
    resolved = realpathSync(resolved);
  } catch {
    return fail(`Cannot find module '${name}': add it to the app's functions/package.json and install it in functions/node_modules`);
  }
  let realRoot: string;
  try {
    realRoot = realpathSync(root);
  } catch {
    return fail(`Cannot find module '${name}'`);
  }
  if (!resolved.startsWith(realRoot + sep))
    return fail(`require('${name}'): only packages from the app's functions/node_modules are allowed`);
  if (!/\.(c?js|json)$/.test(resolved)) return fail(`require('${name}'): only JavaScript and JSON files can be loaded`);
  return JSON.stringify({ id: resolved, source: readFileSync(resolved, "utf8"), json: resolved.endsWith(".json") });
}
