import { sql, type Kysely, type RawBuilder } from "kysely";
import { ObjectId } from "bson";
import { engineOf, type SqlEngine } from "../store/documents-table.js";

/**
 * Expression indexes on one top-level field of builtin documents (the custom user data user-id field),
 * so an equality on it is an index lookup instead of a read of the whole collection.
 *
 * Two indexes per field: the field's JSON value, and its JSON type — MongoDB's `{f: v}` also matches a
 * document whose `f` is an array holding `v`, and those are found through the second.
 */

/** Field names safe to splice into a JSON path and an index name. */
export const INDEXABLE_FIELD = /^[A-Za-z0-9_]{1,48}$/;

/**
 * The field's JSON value as SQL. SQLite's `json_extract` yields a string field as bare text and an
 * object (`{"$oid": ...}`) as compact JSON; PostgreSQL's `->` yields jsonb, compared as jsonb.
 */
export function fieldExpression(engine: SqlEngine, field: string): RawBuilder<unknown> {
  return engine === "postgres" ? sql.raw(`(doc::jsonb -> '${field}')`) : sql.raw(`json_extract(doc, '$."${field}"')`);
}

/** The field's JSON type as SQL (`array` for arrays on both engines). */
export function fieldTypeExpression(engine: SqlEngine, field: string): RawBuilder<unknown> {
  return engine === "postgres" ? sql.raw(`jsonb_typeof(doc::jsonb -> '${field}')`) : sql.raw(`json_type(doc, '$."${field}"')`);
}

/** A candidate (JSON text) in the form `fieldExpression` produces. */
export function keyValue(engine: SqlEngine, json: string): RawBuilder<unknown> {
  if (engine === "postgres") return sql`cast(${json} as jsonb)`;
  const parsed: unknown = JSON.parse(json);
  return sql`${typeof parsed === "string" ? parsed : json}`;
}

/**
 * The stored JSON forms an indexed equality can look up: a string, or an ObjectId (`{"$oid": …}`).
 * Other values (numbers have several BSON forms) are not looked up through the index.
 */
export function indexableKey(value: unknown): string | undefined {
  if (typeof value === "string") return JSON.stringify(value);
  if (value instanceof ObjectId) return JSON.stringify({ $oid: value.toHexString() });
  return undefined;
}

/** Index names already ensured, per database handle (creating one is a one-off cost per process). */
const ensured = new WeakMap<Kysely<any>, Set<string>>();

/** Creates the two indexes of `field` if they do not exist. Field names must match {@link INDEXABLE_FIELD}. */
export async function ensureFieldIndex(db: Kysely<any>, field: string): Promise<void> {
  if (!INDEXABLE_FIELD.test(field)) throw new Error(`field '${field}' cannot be indexed`);
  const engine = engineOf(db);
  const done = ensured.get(db) ?? new Set<string>();
  ensured.set(db, done);
  if (done.has(field)) return;
  await sql`create index if not exists ${sql.id(`documents_field_${field}`)} on documents (app_id, db_name, coll, (${fieldExpression(engine, field)}))`.execute(
    db,
  );
  await sql`create index if not exists ${sql.id(`documents_type_${field}`)} on documents (app_id, db_name, coll, (${fieldTypeExpression(engine, field)}))`.execute(
    db,
  );
  done.add(field);
}
