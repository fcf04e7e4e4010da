import { encode } from "../data/values.js";

/**
 * How values travel into a VM. JSON parsing is what a call spends most of its guest time on, and
 * QuickJS parses EJSON (a reviver per key) several times slower than plain JSON. So a value holding
 * only what plain JSON can say — after the driver's view turns Int32/Double into numbers — goes as
 * `J` + JSON; anything else (ObjectId, Date, Long, Binary, non-finite numbers...) as canonical EJSON.
 */
export function toGuestText(value: unknown): string {
  if (value === undefined || value === null) return "Jnull";
  // A check that allocates nothing, then the engine's own serializer (Int32 and Double serialize as
  // their numbers through their toJSON): several times cheaper than building the text by hand.
  return plainJsonOnly(value, 0) ? `J${JSON.stringify(value)}` : encode(value);
}

const MAX_DEPTH = 64;

/** Whether JSON.stringify of `value` says exactly what canonical EJSON would, read back as the driver's view. */
function plainJsonOnly(value: unknown, depth: number): boolean {
  switch (typeof value) {
    case "string":
    case "boolean":
      return true;
    case "number":
      // -0 and non-finite numbers have no JSON form.
      return Number.isFinite(value) && !Object.is(value, -0);
    case "object":
      break;
    default:
      return false;
  }
  if (value === null) return true;
  if (depth > MAX_DEPTH) return false;
  if (Array.isArray(value)) {
    for (const item of value) if (item !== undefined && item !== null && !plainJsonOnly(item, depth + 1)) return false;
    return true;
  }
  const bsonType = (value as { _bsontype?: string })._bsontype;
  if (bsonType === "Int32" || bsonType === "Double") return plainJsonOnly((value as { value: number }).value, depth);
  if (bsonType !== undefined || Object.getPrototypeOf(value) !== Object.prototype) return false;
  for (const key in value) {
    if (!Object.hasOwn(value, key)) continue;
    // EJSON would read a `$`-key as a type wrapper; keep such documents on the EJSON path.
    if (key.charCodeAt(0) === 36) return false;
    const item = (value as Record<string, unknown>)[key];
    if (item !== undefined && item !== null && !plainJsonOnly(item, depth + 1)) return false;
  }
  return true;
}

/**
 * A client's `functions/call` arguments, as parsed JSON (canonical EJSON on the wire), already in
 * guest text — so the main thread decodes them into BSON objects only if something there reads
 * them (a `can_evaluate` rule with `%%args`). {@link ClientArguments.from} takes only what it can
 * say exactly as decoding would: plain JSON, `$numberInt` and `$numberDouble` in their canonical
 * spellings, and bare int32 or non-integral numbers; anything else is for the full EJSON decoder.
 */
export class ClientArguments {
  private constructor(
    /** `J` + JSON, as {@link toGuestText} would give for the decoded values. */
    readonly text: string,
    private readonly decoder: () => unknown[],
  ) {}

  /** Guest text of `raw`, or undefined when only the full decoder can read it; `decode` gives the values when needed. */
  static from(raw: unknown, decode: (raw: unknown) => unknown[]): ClientArguments | undefined {
    if (!Array.isArray(raw)) return undefined;
    const text = wireJson(raw, 0);
    return text === undefined ? undefined : new ClientArguments(`J${text}`, () => decode(raw));
  }

  /** The decoded values (BSON types kept), built on first use. */
  decode(): unknown[] {
    return this.decoder();
  }
}

const CANONICAL_INT = /^-?(?:0|[1-9][0-9]{0,9})$/;
const CANONICAL_DOUBLE = /^-?[0-9]+(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?$/;

function isInt32(n: number): boolean {
  return Number.isInteger(n) && n >= -2147483648 && n <= 2147483647 && !Object.is(n, -0);
}

/** JSON text of a parsed canonical-EJSON value in the driver's view, or undefined (see ClientArguments.from). */
function wireJson(value: unknown, depth: number): string | undefined {
  switch (typeof value) {
    case "string":
    case "boolean":
      return JSON.stringify(value);
    case "number":
      // Bare integers outside int32 decode as Long, -0 as Double(-0): the full decoder's business.
      return isInt32(value) || (Number.isFinite(value) && !Number.isInteger(value)) ? String(value) : undefined;
    case "object":
      break;
    default:
      return undefined;
  }
  if (value === null) return "null";
  if (depth > MAX_DEPTH) return undefined;
  if (Array.isArray(value)) {
    const parts: string[] = [];
    for (const item of value) {
      const text = wireJson(item, depth + 1);
      if (text === undefined) return undefined;
      parts.push(text);
    }
    return `[${parts.join(",")}]`;
  }
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record);
  if (keys.length === 1 && keys[0]!.charCodeAt(0) === 36) {
    const inner = record[keys[0]!];
    if (typeof inner !== "string") return undefined;
    if (keys[0] === "$numberInt" && CANONICAL_INT.test(inner)) {
      const n = Number(inner);
      return isInt32(n) ? String(n) : undefined;
    }
    if (keys[0] === "$numberDouble" && CANONICAL_DOUBLE.test(inner)) {
      const n = Number(inner);
      return Number.isFinite(n) && !Object.is(n, -0) ? String(n) : undefined;
    }
    return undefined;
  }
  const parts: string[] = [];
  for (const key of keys) {
    if (key.charCodeAt(0) === 36) return undefined;
    const text = wireJson(record[key], depth + 1);
    if (text === undefined) return undefined;
    parts.push(`${JSON.stringify(key)}:${text}`);
  }
  return `{${parts.join(",")}}`;
}
