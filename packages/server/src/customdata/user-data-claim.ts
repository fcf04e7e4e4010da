import { EJSON } from "bson";

/**
 * The `user_data` claim for a custom user data document.
 *
 * Form: relaxed EJSON, except dates, which use the canonical `{"$date":{"$numberLong":"…"}}`.
 * Why: realm-web hands the claim to the app as plain `JSON.parse` output, so relaxed numbers
 * (`42`, not `{"$numberInt":"42"}`) are what its users expect and what real App Services tokens showed
 * (PROTOCOL.md §6.3); realm-core parses the claim as EJSON and cannot read relaxed ISO-string dates
 * (it asserts or reads garbage, §1.3), so dates stay canonical. ObjectIds stay `{"$oid"}` in both forms.
 * The cost: a core client reads an integer back as Int64 rather than Int32.
 */
export function toUserDataClaim(document: Record<string, unknown>): Record<string, unknown> {
  const relaxed = EJSON.serialize(document, { relaxed: true }) as Record<string, unknown>;
  return canonicalDates(relaxed) as Record<string, unknown>;
}

function canonicalDates(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonicalDates);
  if (value === null || typeof value !== "object") return value;
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record);
  if (keys.length === 1 && keys[0] === "$date" && typeof record.$date === "string") {
    return { $date: { $numberLong: String(Date.parse(record.$date)) } };
  }
  const out: Record<string, unknown> = {};
  for (const key of keys) out[key] = canonicalDates(record[key]);
  return out;
}
