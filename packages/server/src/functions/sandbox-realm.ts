import * as BSON from "bson";
import { recordLog, sandboxTimers } from "./sandbox-state.js";
import { sandboxRequire } from "./sandbox-require.js";

/**
 * Source of the `adopt` function, compiled *inside* each app's vm context. Values decoded by the
 * outer realm (bson, JSON) have the worker's `Object`/`Array`/`Date` prototypes, so `x instanceof
 * Array` or `d instanceof Date` would be false in function code. `adopt` copies plain objects,
 * arrays, dates and regexes into the sandbox's own classes, turns Int32/Double into numbers (see
 * data/values.ts for why) and keeps every other BSON value as it is (the sandbox's `BSON` global is
 * the same module, so `instanceof BSON.ObjectId` holds).
 */
export const ADOPT_SOURCE = `(function adoptRoot(root) {
  "use strict";
  const tagOf = Object.prototype.toString;
  function adopt(v) {
    if (v === null || typeof v !== "object") return v;
    if (Array.isArray(v)) {
      const out = [];
      for (let i = 0; i < v.length; i++) out.push(adopt(v[i]));
      return out;
    }
    const bsonType = v._bsontype;
    if (bsonType === "Int32" || bsonType === "Double") return v.value;
    if (bsonType === "BSONRegExp") return new RegExp(v.pattern, v.options.replace(/[^imsu]/g, ""));
    if (bsonType !== undefined) return v;
    const tag = tagOf.call(v);
    if (tag === "[object Date]") return new Date(v.getTime());
    if (tag === "[object RegExp]") return new RegExp(v.source, v.flags);
    if (tag !== "[object Object]" || ArrayBuffer.isView(v)) return v;
    const out = {};
    for (const key of Object.keys(v)) {
      // "__proto__" from JSON is an ordinary key; plain assignment would set the prototype instead.
      if (key === "__proto__") Object.defineProperty(out, key, { value: adopt(v[key]), enumerable: true, writable: true, configurable: true });
      else out[key] = adopt(v[key]);
    }
    return out;
  }
  return adopt(root);
})`;

/** Wraps a function source so that evaluating it returns what it assigned to `exports`. */
export function wrapSource(source: string): string {
  // One line before the source: compile with lineOffset -1 so stack traces show source lines.
  return `(function () { var exports; var module = { exports: undefined };\n${source}\n;return exports !== undefined ? exports : module.exports; })`;
}

/**
 * The globals of an app's vm context besides `context` (defined by the sandbox itself):
 * App Services' `EJSON` and `BSON`, `console` (captured per call), `require` (allowlisted),
 * timers tracked per call, and the web/Node globals function code commonly uses.
 */
export function sandboxGlobals(appDir: string, orphanLog: (line: string) => void): Record<string, unknown> {
  const log =
    (level: string) =>
    (...args: unknown[]) =>
      recordLog(level, args, orphanLog);
  return {
    EJSON: BSON.EJSON,
    BSON,
    console: { log: log("log"), info: log("info"), warn: log("warn"), error: log("error"), debug: log("debug") },
    require: sandboxRequire(appDir),
    ...sandboxTimers(orphanLog),
    Buffer,
    URL,
    URLSearchParams,
    TextEncoder,
    TextDecoder,
    AbortController,
    atob,
    btoa,
    structuredClone,
  };
}
