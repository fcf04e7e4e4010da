import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { GUEST_NATIVE_MODULES } from "./guest-native.js";
import { GUEST_NODE_MODULES } from "./guest-node.js";
import { GUEST_SERVICE_MODULES } from "./guest-services.js";

/** What every app VM evaluates before its functions: the BSON library and the built-in module sources. */
export interface GuestSources {
  /** `bson`'s browser bundle, defining the global `BSON`. */
  bson: string;
  /** CommonJS bodies by module id: `buffer` and its two dependencies, `node:*`, `gatehouse:*`. */
  modules: Record<string, string>;
}

let cached: GuestSources | undefined;

/**
 * Reads the guest sources once per worker. The npm packages come from the server's own
 * dependencies, never from an app directory.
 */
export function guestSources(): GuestSources {
  if (cached) return cached;
  const require = createRequire(import.meta.url);
  const bsonDir = dirname(require.resolve("bson"));
  let bson = readFileSync(join(bsonDir, "bson.bundle.js"), "utf8");
  // The serializer allocates a 17 MB scratch buffer at load time; in a VM of a few MB that is most
  // of the memory. Start empty: `BSON.serialize` grows it on first use.
  const eager = "let buffer = ByteUtils.allocate(MAXSIZE);";
  if (!bson.includes(eager)) throw new Error("bson bundle layout changed: review guest-sources.ts");
  bson = bson.replace(eager, "let buffer = ByteUtils.allocate(0);");
  const bufferPackage = require.resolve("buffer/package.json");
  // base64-js and ieee754 are buffer's own dependencies: resolve them from where buffer is.
  const fromBuffer = createRequire(bufferPackage);
  const read = (name: string, file: string) =>
    readFileSync(join(dirname(name === "buffer" ? bufferPackage : fromBuffer.resolve(`${name}/package.json`)), file), "utf8");
  cached = {
    bson: `${bson}\n;globalThis.BSON = BSON;`,
    modules: {
      buffer: read("buffer", "index.js"),
      "base64-js": read("base64-js", "index.js"),
      ieee754: read("ieee754", "index.js"),
      ...GUEST_NODE_MODULES,
      ...GUEST_NATIVE_MODULES,
      ...GUEST_SERVICE_MODULES,
    },
  };
  return cached;
}
