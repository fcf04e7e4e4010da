import { createHash } from "node:crypto";
import { readdir, readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, extname, join, relative, sep } from "node:path";
import { gzipSync } from "node:zlib";

/**
 * The built operator console, read into memory once at start-up: it is a handful of files (well under
 * a megabyte), so serving from memory needs no path handling at request time — a request can only ever
 * name one of the files found here, never walk the file system.
 */

/** One file of the console, ready to send. */
export interface ConsoleAsset {
  body: Buffer;
  /** Present when compressing saved something. */
  gzip?: Buffer;
  contentType: string;
  etag: string;
  /** Vite puts a content hash in every file name under `assets/`, so those never change. */
  immutable: boolean;
}

/** The console's files by URL path below `/console/` (`index.html`, `assets/index-3f2a.js`...). */
export type ConsoleAssets = Map<string, ConsoleAsset>;

const CONTENT_TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".json": "application/json",
  ".txt": "text/plain; charset=utf-8",
  ".woff2": "font/woff2",
};

/**
 * Where the built console is when the config names no directory: the `dist` folder of the
 * `@gatehouse/console` package if it is installed beside the server (in this repo, the workspace link).
 * The server does not depend on that package: without it the console is simply not served.
 */
export function defaultConsoleAssetsDir(): string | undefined {
  try {
    const manifest = createRequire(import.meta.url).resolve("@gatehouse/console/package.json");
    return join(dirname(manifest), "dist");
  } catch {
    return undefined;
  }
}

async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const nested = await Promise.all(
    entries.map((entry) => {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) return listFiles(path);
      return Promise.resolve(entry.isFile() ? [path] : []);
    }),
  );
  return nested.flat();
}

/**
 * Reads the console from `dir`. Returns undefined when there is no built console there (no
 * `index.html`): the caller logs that and serves the rest of the server as usual.
 */
export async function loadConsoleAssets(dir: string): Promise<ConsoleAssets | undefined> {
  let files: string[];
  try {
    files = await listFiles(dir);
  } catch {
    return undefined;
  }
  const assets: ConsoleAssets = new Map();
  for (const file of files) {
    const contentType = CONTENT_TYPES[extname(file).toLowerCase()];
    // Source maps and anything unexpected stay private.
    if (!contentType) continue;
    const body = await readFile(file);
    const path = relative(dir, file).split(sep).join("/");
    const zipped = contentType.startsWith("image/png") || body.length < 1024 ? undefined : gzipSync(body);
    assets.set(path, {
      body,
      ...(zipped && zipped.length < body.length ? { gzip: zipped } : {}),
      contentType,
      etag: `"${createHash("sha256").update(body).digest("base64url").slice(0, 22)}"`,
      immutable: path.startsWith("assets/"),
    });
  }
  return assets.has("index.html") ? assets : undefined;
}

/**
 * Response headers of every console file. The CSP allows this origin only: no inline script or style,
 * no third-party host, no framing; the console reaches the admin API on the same origin.
 */
export const CONSOLE_SECURITY_HEADERS: Readonly<Record<string, string>> = {
  "content-security-policy": [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join("; "),
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
  "x-frame-options": "DENY",
  "cross-origin-opener-policy": "same-origin",
  "cross-origin-resource-policy": "same-origin",
};
