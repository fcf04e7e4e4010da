import { PostgresAdapter, type Kysely, type Migration } from "kysely";

/**
 * One row per document of every builtin collection of every app.
 *
 * `doc_id` is the canonical EJSON of `_id`, so `"abc"` and `ObjectId("abc...")` are different keys
 * exactly as in MongoDB. `doc` is the whole document as canonical EJSON (types survive, and both
 * SQLite and PostgreSQL can look inside it with their JSON functions). `seq` records insertion order:
 * "first inserted wins" rules and MongoDB's natural order both need it.
 */
export interface DocumentsTable {
  app_id: string;
  db_name: string;
  coll: string;
  doc_id: string;
  doc: string;
  /** PostgreSQL returns bigint columns as strings; SQLite as numbers. */
  seq: number | string;
}

/** The slice of the store schema the builtin collections (data/) use. */
export interface DocumentsDatabase {
  documents: DocumentsTable;
}

/** The SQL engine behind a Kysely instance; the few non-portable statements branch on it. */
export type SqlEngine = "sqlite" | "postgres";

/** Which engine `db` talks to, read from its adapter. */
export function engineOf(db: Kysely<any>): SqlEngine {
  return db.getExecutor().adapter instanceof PostgresAdapter ? "postgres" : "sqlite";
}

/** Creates the `documents` table; the store's migration list runs it as `0100_documents`. */
export const documentsMigration: Migration = {
  async up(db: Kysely<any>): Promise<void> {
    const int64 = engineOf(db) === "postgres" ? "bigint" : "integer";
    await db.schema
      .createTable("documents")
      .addColumn("app_id", "text", (c) => c.notNull())
      .addColumn("db_name", "text", (c) => c.notNull())
      .addColumn("coll", "text", (c) => c.notNull())
      .addColumn("doc_id", "text", (c) => c.notNull())
      .addColumn("doc", "text", (c) => c.notNull())
      .addColumn("seq", int64, (c) => c.notNull())
      .addPrimaryKeyConstraint("documents_pk", ["app_id", "db_name", "coll", "doc_id"])
      .execute();
    // Scans walk a collection in insertion order, and the next `seq` is read from the top of it.
    await db.schema.createIndex("documents_order").on("documents").columns(["app_id", "db_name", "coll", "seq"]).execute();
  },
  async down(db: Kysely<any>): Promise<void> {
    await db.schema.dropTable("documents").execute();
  },
};
