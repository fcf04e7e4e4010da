/**
 * SQLite page caches of the store's connections (store/connect.ts): smaller than better-sqlite3's 16 MB
 * default, which a growing database filled on both the writer and the read connection (~30 MB of a busy
 * server's resident memory in the bench).
 */
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { it } from "node:test";
import { sql } from "kysely";
import { openDatabase, openReadConnection } from "../../src/store/connect.js";

it("the writer caches 4 MB of pages and the read connection 2 MB, on a file and in memory", async () => {
  const dir = await mkdtemp(join(tmpdir(), "gatehouse-page-cache-"));
  try {
    const file = join(dir, "g.db");
    for (const url of [`sqlite:${file}`, "sqlite::memory:"]) {
      const connection = await openDatabase(url);
      try {
        const { rows } = await sql<{ cache_size: number }>`pragma cache_size`.execute(connection.db);
        assert.deepEqual(rows, [{ cache_size: -4096 }], url);
      } finally {
        await connection.db.destroy();
        await connection.reader.close();
      }
    }
    const reader = openReadConnection(file);
    try {
      assert.equal(reader.pragma("cache_size", { simple: true }), -2048);
      // Still the read-only connection it was.
      assert.throws(() => reader.exec("create table t (x)"), /readonly|query_only/i);
    } finally {
      reader.close();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
