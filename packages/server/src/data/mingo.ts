import { createRequire } from "node:module";
import type * as Mingo from "mingo";

/**
 * mingo (MongoDB query semantics for the builtin data API and rule expressions), loaded on first use.
 * It is ~300 modules and ~7 MB of resident memory that an app without data access or rules never
 * needs; the callers are synchronous, so it is required (its CommonJS build, the one an `import`
 * resolves to under Node as well) rather than imported.
 */
let loaded: typeof Mingo | undefined;

/** The mingo module, loaded by the first call. */
export function mingo(): typeof Mingo {
  return (loaded ??= createRequire(import.meta.url)("mingo") as typeof Mingo);
}

/** Whether mingo has been loaded yet (for the test that start-up leaves it out). */
export function mingoLoaded(): boolean {
  return loaded !== undefined;
}
