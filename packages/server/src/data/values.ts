import { BSONRegExp, EJSON } from "bson";

/**
 * How BSON values travel and how JavaScript code sees them.
 *
 * On every boundary (worker <-> main thread, SQL rows) values are canonical EJSON text, which keeps
 * every BSON type. Code that *works* with the values (functions, mingo, rule checks) gets the
 * driver's default view instead: Int32 and Double become plain numbers, because migrated App Services
 * functions compare with `===`, check `typeof x === "number"` and call `toFixed`, none of which work
 * on `Int32`/`Double` wrappers. Writing a number back picks Int32 when it is integral and fits, else
 * Double (the driver's rule) — so an integral Double such as `2.0` comes back as Int32 `2`.
 */

/** Canonical EJSON text of `value`; `undefined` becomes `null` (JSON has no undefined). */
export function encode(value: unknown): string {
  if (value === undefined) return "null";
  return EJSON.stringify(value, { relaxed: false });
}

/**
 * Parses text made by {@link encode}, keeping every BSON wrapper type (`Int32`, `Double`, ...).
 * Canonical EJSON never has bare numbers, so text without any `"$` key is plain JSON and takes
 * `JSON.parse` (several times faster than EJSON's reviver; this runs on every call and row).
 */
export function decodeExact(text: string): unknown {
  return text.includes('"$') ? EJSON.parse(text, { relaxed: false }) : JSON.parse(text);
}

/** Parses text made by {@link encode} into the driver-like view: Int32/Double as numbers, BSON regexes as `RegExp`. */
export function decode(text: string): unknown {
  return text.includes('"$') ? promote(EJSON.parse(text, { relaxed: false })) : JSON.parse(text);
}

/**
 * Turns `Int32`/`Double` into numbers and `BSONRegExp` into `RegExp`, in place where it can (objects
 * and arrays are reused). Other BSON values are returned unchanged.
 */
export function promote(value: unknown): unknown {
  if (value === null || typeof value !== "object") return value;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) value[i] = promote(value[i]);
    return value;
  }
  const bsonType = (value as { _bsontype?: string })._bsontype;
  if (bsonType === "Int32" || bsonType === "Double") return (value as { value: number }).value;
  if (bsonType === "BSONRegExp") return toRegExp(value as BSONRegExp);
  if (bsonType !== undefined || value instanceof Date || value instanceof RegExp || ArrayBuffer.isView(value)) {
    return value;
  }
  const record = value as Record<string, unknown>;
  for (const key of Object.keys(record)) record[key] = promote(record[key]);
  return record;
}

/** BSON regex options JavaScript knows (`x` and `l` have no equivalent and are dropped). */
function toRegExp(value: BSONRegExp): RegExp {
  const flags = [...value.options].filter((f) => "imsu".includes(f)).join("");
  return new RegExp(value.pattern, flags);
}

/** True for values MongoDB compares as one scalar (not documents or arrays). */
export function isScalar(value: unknown): boolean {
  if (value === null || typeof value !== "object") return typeof value !== "undefined" && typeof value !== "function";
  return (value as { _bsontype?: string })._bsontype !== undefined || value instanceof Date;
}
