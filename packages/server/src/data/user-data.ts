import { sql, type Kysely, type RawBuilder } from "kysely";
import { ObjectId } from "bson";
import type { CustomUserDataConfig } from "../config/types.js";
import { engineOf, type DocumentsDatabase, type SqlEngine } from "./documents-table.js";
import type { Document } from "./types.js";
import { decode } from "./values.js";

/**
 * Finds a user's custom user data document in builtin collections (PROTOCOL.md §6.3): the document of
 * `database_name.collection_name` whose `user_id_field` equals the user id as a string or as an
 * ObjectId. The string form wins when both exist; among several of one form, the first inserted.
 *
 * This runs at every login and refresh, so it is an index lookup: the first call for a field name
 * creates an expression index on that field (SQLite `json_extract`, PostgreSQL `jsonb ->`). Field
 * names other than `[A-Za-z0-9_]+` cannot be indexed safely and fall back to scanning the collection.
 *
 * @returns the document (driver-like values), or `null` when custom user data is off or none matches.
 * @example
 * ```ts
 * const data = await findUserDataDocument(store.db, app.clientAppId, app.customUserData, user.id);
 * const claim = data ? EJSON.stringify(data, { relaxed: false }) : undefined;
 * ```
 */
export async function findUserDataDocument(
  db: Kysely<any>,
  appId: string,
  config: CustomUserDataConfig,
  userId: string,
): Promise<Document | null> {
  const { enabled, databaseName, collectionName, userIdField } = config;
  if (!enabled || !databaseName || !collectionName || !userIdField) return null;
  const typed = db as Kysely<DocumentsDatabase>;
  const oid = ObjectId.isValid(userId) && /^[0-9a-fA-F]{24}$/.test(userId) ? new ObjectId(userId) : undefined;

  let query = typed
    .selectFrom("documents")
    .select(["doc"])
    .where("app_id", "=", appId)
    .where("db_name", "=", databaseName)
    .where("coll", "=", collectionName)
    .orderBy("seq");
  if (INDEXABLE_FIELD.test(userIdField)) {
    const engine = engineOf(db);
    await ensureFieldIndex(db, engine, userIdField);
    const candidates = [JSON.stringify(userId), ...(oid ? [JSON.stringify({ $oid: oid.toHexString() })] : [])];
    query = query.where((eb) => eb(fieldExpression(engine, userIdField), "in", candidates.map((c) => keyValue(engine, c))));
  }

  let byObjectId: Document | null = null;
  for (const row of await query.execute()) {
    const doc = decode(row.doc) as Document;
    const value = doc[userIdField];
    if (value === userId) return doc;
    if (!byObjectId && oid && value instanceof ObjectId && value.equals(oid)) byObjectId = doc;
  }
  return byObjectId;
}

/** Field names safe to splice into a JSON path and an index name. */
const INDEXABLE_FIELD = /^[A-Za-z0-9_]{1,48}$/;

/**
 * The field's JSON value as SQL. SQLite's `json_extract` yields a string field as bare text and an
 * object (`{"$oid": ...}`) as compact JSON; PostgreSQL's `->` yields jsonb, compared as jsonb.
 */
function fieldExpression(engine: SqlEngine, field: string): RawBuilder<unknown> {
  return engine === "postgres" ? sql.raw(`(doc::jsonb -> '${field}')`) : sql.raw(`json_extract(doc, '$."${field}"')`);
}

/** A candidate (JSON text) in the form `fieldExpression` produces. */
function keyValue(engine: SqlEngine, json: string): RawBuilder<unknown> {
  if (engine === "postgres") return sql`cast(${json} as jsonb)`;
  const parsed: unknown = JSON.parse(json);
  return sql`${typeof parsed === "string" ? parsed : json}`;
}

/** Index names already ensured, per database handle (creating one is a one-off cost per process). */
const ensured = new WeakMap<Kysely<any>, Set<string>>();

/**
 * Creates the expression index custom user data lookups use, for an app's `user_id_field`. The server
 * calls it at start-up, so no request pays for the DDL (and two first requests cannot race on it).
 */
export async function ensureUserDataIndex(db: Kysely<any>, config: CustomUserDataConfig): Promise<void> {
  if (config.enabled && config.userIdField && INDEXABLE_FIELD.test(config.userIdField)) {
    await ensureFieldIndex(db, engineOf(db), config.userIdField);
  }
}

async function ensureFieldIndex(db: Kysely<any>, engine: SqlEngine, field: string): Promise<void> {
  const name = `documents_field_${field}`;
  const done = ensured.get(db) ?? new Set<string>();
  ensured.set(db, done);
  if (done.has(name)) return;
  const expression = fieldExpression(engine, field);
  await sql`create index if not exists ${sql.id(name)} on documents (app_id, db_name, coll, (${expression}))`.execute(db);
  done.add(name);
}
