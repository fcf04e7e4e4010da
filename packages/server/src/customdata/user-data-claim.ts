import { EJSON } from "bson";

/**
 * The `user_data` claim for a custom user data document.
 *
 * Form: relaxed EJSON, except dates, which use the canonical `{"$date":{"$numberLong":"…"}}`, and
 * Int64 values outside ±(2^53 − 1), which stay `{"$numberLong":"…"}` (a JSON number cannot hold them
 * exactly; bson's relaxed mode would round them silently).
 * Why: realm-web hands the claim to the app as plain `JSON.parse` output, so relaxed numbers
 * (`42`, not `{"$numberInt":"42"}`) are what its users expect and what real App Services tokens showed
 * (PROTOCOL.md §6.3); realm-core parses the claim as EJSON and cannot read relaxed ISO-string dates
 * (it asserts or reads garbage, §1.3), so dates stay canonical. ObjectIds stay `{"$oid"}` in both forms.
 * The cost: a core client reads an integer back as Int64 rather than Int32.
 */
export function toUserDataClaim(document: Record<string, unknown>): Record<string, unknown> {
  const canonical = EJSON.serialize(document, { relaxed: false }) as Record<string, unknown>;
  return relax(canonical) as Record<string, unknown>;
}

/** Canonical EJSON → the claim form: numbers relaxed where a JSON number holds them exactly. */
function relax(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(relax);
  if (value === null || typeof value !== "object") return value;
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record);
  if (keys.length === 1 && keys[0] === "$date") return record; // stays canonical: {"$date":{"$numberLong":"…"}}
  if (keys.length === 1 && typeof record[keys[0]!] === "string") {
    const text = record[keys[0]!] as string;
    switch (keys[0]) {
      case "$numberInt":
        return Number(text);
      case "$numberLong": {
        const n = Number(text);
        return Number.isSafeInteger(n) ? n : record;
      }
      case "$numberDouble": {
        const n = Number(text);
        // NaN and ±Infinity have no JSON number; -0 would print as 0.
        return Number.isFinite(n) && !Object.is(n, -0) ? n : record;
      }
    }
  }
  const out: Record<string, unknown> = {};
  for (const key of keys) out[key] = relax(record[key]);
  return out;
}
