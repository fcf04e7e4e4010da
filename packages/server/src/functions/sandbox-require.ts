import { builtinModules, createRequire } from "node:module";
import { join } from "node:path";

/**
 * Node built-ins a function may `require`. App Services offered a similar set; anything touching the
 * process, the file system, child processes, the network below `fetch`, or worker internals is left
 * out because a function shares its worker with other calls.
 */
export const BUILTIN_ALLOWLIST: readonly string[] = [
  "assert",
  "buffer",
  "crypto",
  "events",
  "path",
  "querystring",
  "string_decoder",
  "url",
  "util",
  "zlib",
];

/**
 * The `require` functions get: allowlisted built-ins (`crypto` or `node:crypto`) and the npm
 * packages the app ships in `functions/node_modules` (bare names only; no relative or absolute
 * paths, which could load arbitrary files).
 */
export function sandboxRequire(appDir: string): (name: string) => unknown {
  // Resolution starts in <app>/functions, so Node finds <app>/functions/node_modules first.
  const appRequire = createRequire(join(appDir, "functions", "package.json"));
  const hostRequire = createRequire(import.meta.url);
  return function require(name: string): unknown {
    if (typeof name !== "string" || name.length === 0) throw new TypeError("require expects a module name");
    const bare = name.startsWith("node:") ? name.slice(5) : name;
    if (BUILTIN_ALLOWLIST.includes(bare)) return hostRequire(`node:${bare}`);
    if (name.startsWith("node:") || isBuiltin(bare)) {
      throw new Error(`module '${name}' is not available in functions (allowed built-ins: ${BUILTIN_ALLOWLIST.join(", ")})`);
    }
    if (name.startsWith(".") || name.startsWith("/") || name.includes("\\") || name.includes("..")) {
      throw new Error(`require('${name}'): only package names are allowed`);
    }
    let resolved: string;
    try {
      resolved = appRequire.resolve(name);
    } catch {
      throw new Error(`Cannot find module '${name}': add it to the app's functions/package.json and install it in functions/node_modules`);
    }
    if (!resolved.startsWith(join(appDir, "functions", "node_modules"))) {
      throw new Error(`require('${name}'): only packages from the app's functions/node_modules are allowed`);
    }
    return appRequire(resolved);
  };
}

const builtins = new Set(builtinModules);
function isBuiltin(name: string): boolean {
  return builtins.has(name) || builtins.has(name.split("/")[0]!);
}
