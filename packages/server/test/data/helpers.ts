import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import BetterSqlite3 from "better-sqlite3";
import { Kysely, SqliteDialect } from "kysely";
import { documentsMigration } from "../../src/data/index.js";

/** A migrated SQLite file in a fresh temp dir; `close()` destroys the connection and the dir. */
export async function openTestDatabase(): Promise<{ db: Kysely<any>; path: string; close(): Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), "gatehouse-data-"));
  const path = join(dir, "test.db");
  const db = new Kysely<any>({ dialect: new SqliteDialect({ database: new BetterSqlite3(path) }) });
  await documentsMigration.up(db);
  return {
    db,
    path,
    async close() {
      await db.destroy();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
