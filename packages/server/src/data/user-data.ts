import type { Kysely } from "kysely";
import { ObjectId } from "bson";
import type { CustomUserDataConfig } from "../config/types.js";
import { engineOf, type DocumentsDatabase } from "../store/documents-table.js";
import { ensureFieldIndex, fieldExpression, INDEXABLE_FIELD, keyValue } from "./field-index.js";
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
    await ensureFieldIndex(db, userIdField);
    const candidates = [JSON.stringify(userId), ...(oid ? [JSON.stringify({ $oid: oid.toHexString() })] : [])];
    query = query.where((eb) =>
      eb(
        fieldExpression(engine, userIdField),
        "in",
        candidates.map((c) => keyValue(engine, c)),
      ),
    );
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

/**
 * Creates the expression indexes custom user data lookups use, for an app's `user_id_field`. The server
 * calls it at start-up, so no request pays for the DDL (and two first requests cannot race on it).
 */
export async function ensureUserDataIndex(db: Kysely<any>, config: CustomUserDataConfig): Promise<void> {
  if (config.enabled && config.userIdField && INDEXABLE_FIELD.test(config.userIdField)) await ensureFieldIndex(db, config.userIdField);
}
