/**
 * MongoDB Extended JSON on the wire.
 *
 * Requests are always encoded in **canonical** EJSON, exactly like realm-web and realm-core: a JS number
 * becomes `{"$numberInt"}` or `{"$numberDouble"}`, a Date `{"$date":{"$numberLong"}}` (PROTOCOL §1.3).
 *
 * Responses are decoded in one of two modes:
 * - `"native"` (default, what realm-web returns): Int32 and Double become JS numbers. Unlike realm-web
 *   (and bson's relaxed mode), an Int64 that does not fit a double exactly stays a `Long` instead of
 *   being silently rounded.
 * - `"bson"`: every number keeps its BSON wrapper (`Int32`, `Double`, `Long`), so a value can be sent
 *   back with the same type it arrived with.
 * Dates, ObjectIds, Decimal128, Binary, UUIDs and the other BSON types are always decoded to their bson
 * classes.
 */
import { EJSON, Double, Int32, Long } from "bson";

/** How numbers in responses are decoded; see the module comment. */
export type NumberDecoding = "native" | "bson";

/**
 * Encodes a value as canonical EJSON (a JSON-compatible tree), ready for `JSON.stringify`.
 *
 * @example
 * encode({ n: 5, d: new Date(0) }) // { n: { $numberInt: "5" }, d: { $date: { $numberLong: "0" } } }
 */
export function encode(value: unknown): unknown {
  if (value === undefined) return null;
  // EJSON.serialize wants a document or array at the top; wrap scalars so they encode the same way.
  // Fields holding `undefined` are dropped (as JSON.stringify and realm-web's cleanArgs do), not sent as null.
  const wrapped = EJSON.serialize({ v: value }, { relaxed: false, ignoreUndefined: true }) as { v?: unknown };
  return wrapped.v ?? null;
}

/**
 * Decodes a parsed JSON tree that may contain EJSON (canonical or relaxed) into JS and bson values.
 *
 * @param value - The output of `JSON.parse`.
 * @param numbers - `"native"` (default) or `"bson"`; see the module comment.
 * @example
 * decode({ $numberLong: "9007199254740993" }) // Long, not the rounded number 9007199254740992
 */
export function decode(value: unknown, numbers: NumberDecoding = "native"): unknown {
  if (value === null || typeof value !== "object") return value;
  const strict = (EJSON.deserialize({ v: numericDates(value) } as never, { relaxed: false }) as { v: unknown }).v;
  return numbers === "bson" ? strict : toNative(strict);
}

/**
 * Rewrites `{"$date": <number>}` as `{"$date": {"$numberLong": "<number>"}}`. A bare integer inside
 * `$date` is valid EJSON (PROTOCOL §1.3), but bson's canonical-mode parser turns the number into an
 * Int32/Double first and then rejects it. Copies only the paths that change.
 */
function numericDates(value: unknown): unknown {
  if (value === null || typeof value !== "object") return value;
  if (Array.isArray(value)) {
    let out: unknown[] | undefined;
    value.forEach((item, i) => {
      const fixed = numericDates(item);
      if (fixed !== item) (out ??= [...value])[i] = fixed;
    });
    return out ?? value;
  }
  const record = value as Record<string, unknown>;
  const date = record["$date"];
  if (typeof date === "number" && Object.keys(record).length === 1) return { $date: { $numberLong: String(Math.trunc(date)) } };
  let out: Record<string, unknown> | undefined;
  for (const [key, item] of Object.entries(record)) {
    const fixed = numericDates(item);
    if (fixed !== item) (out ??= { ...record })[key] = fixed;
  }
  return out ?? value;
}

/** Replaces Int32/Double wrappers by numbers, and Longs by numbers when that is exact. */
function toNative(value: unknown): unknown {
  if (value === null || typeof value !== "object") return value;
  if (value instanceof Int32 || value instanceof Double) return value.valueOf();
  if (value instanceof Long) {
    const n = value.toNumber();
    return Number.isSafeInteger(n) ? n : value;
  }
  if (Array.isArray(value)) return value.map(toNative);
  // Only plain documents are walked; bson class instances (ObjectId, Binary, ...) and Dates are kept.
  const proto = Object.getPrototypeOf(value) as unknown;
  if (proto !== Object.prototype && proto !== null) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = toNative(v);
  return out;
}

/**
 * Serializes a value to an EJSON string (canonical), for storage.
 *
 * @example
 * parse(stringify({ d: new Date(0) })) // { d: Date(0) }
 */
export function stringify(value: unknown): string {
  return JSON.stringify(encode(value));
}

/**
 * Parses an EJSON string written by {@link stringify} (or any EJSON) into JS and bson values.
 *
 * @param text - EJSON text.
 * @param numbers - Number decoding mode.
 */
export function parse(text: string, numbers: NumberDecoding = "native"): unknown {
  return decode(JSON.parse(text), numbers);
}
