import { encode } from "../data/values.js";

/**
 * How values travel into a VM. JSON parsing is what a call spends most of its guest time on, and
 * QuickJS parses EJSON (a reviver per key) several times slower than plain JSON. So a value holding
 * only what plain JSON can say — after the driver's view turns Int32/Double into numbers — goes as
 * `J` + JSON; anything else (ObjectId, Date, Long, Binary, non-finite numbers...) as canonical EJSON.
 */
export function toGuestText(value: unknown): string {
  const plain = plainJson(value, 0);
  return plain === undefined ? encode(value) : `J${plain}`;
}

const MAX_DEPTH = 64;

function plainJson(value: unknown, depth: number): string | undefined {
  if (value === null || value === undefined) return "null";
  switch (typeof value) {
    case "string":
    case "boolean":
      return JSON.stringify(value);
    case "number":
      // -0 and non-finite numbers have no JSON form.
      return Number.isFinite(value) && !Object.is(value, -0) ? String(value) : undefined;
    case "object":
      break;
    default:
      return undefined;
  }
  if (depth > MAX_DEPTH) return undefined;
  if (Array.isArray(value)) {
    const parts: string[] = [];
    for (const item of value) {
      const text = plainJson(item, depth + 1);
      if (text === undefined) return undefined;
      parts.push(text);
    }
    return `[${parts.join(",")}]`;
  }
  const bsonType = (value as { _bsontype?: string })._bsontype;
  if (bsonType === "Int32" || bsonType === "Double") return plainJson((value as { value: number }).value, depth);
  if (bsonType !== undefined || Object.getPrototypeOf(value) !== Object.prototype) return undefined;
  const parts: string[] = [];
  for (const [key, item] of Object.entries(value)) {
    // EJSON would read a `$`-key as a type wrapper; keep such documents on the EJSON path.
    if (key.startsWith("$")) return undefined;
    if (item === undefined) continue;
    const text = plainJson(item, depth + 1);
    if (text === undefined) return undefined;
    parts.push(`${JSON.stringify(key)}:${text}`);
  }
  return `{${parts.join(",")}}`;
}
