import { builtinModules } from "node:module";

/**
 * Node built-ins a function may `require` (App Services offered a similar set). Inside the QuickJS
 * VM they are guest implementations (guest-node.ts, guest-native.ts), not Node's modules: nothing
 * touching the process, the file system, child processes, sockets or workers exists there at all.
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

/** Every Node built-in name: `require` of one outside the allow-list is refused by name. */
export const NODE_BUILTINS: ReadonlySet<string> = new Set(builtinModules);
