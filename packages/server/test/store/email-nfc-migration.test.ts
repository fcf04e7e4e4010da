import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import BetterSqlite3 from "better-sqlite3";
import { Kysely, Migrator, PostgresDialect, SqliteDialect, sql } from "kysely";
import { migrations } from "../../src/store/migrations.js";
import { freshPostgresSchema } from "../helpers/postgres.js";
import { requirement } from "../../../../test/support/requirements.mjs";

/** 0401 normalises stored email keys to NFC, except where that would take another account's key. */
async function check(db: Kysely<any>, dialect: "sqlite" | "postgres") {
  const all = migrations(dialect);
  // As store/connect.ts does: on PostgreSQL the migration tables live in the connection's own schema.
  const schema = dialect === "postgres" ? (await sql<{ s: string }>`select current_schema() as s`.execute(db)).rows[0]?.s : undefined;
  const migrator = new Migrator({ db, provider: { getMigrations: async () => all }, ...(schema ? { migrationTableSchema: schema } : {}) });
  assert.equal((await migrator.migrateTo("0400_retention")).error, undefined);
  const account = (id: string, key: string) => ({
    id,
    app_id: "a",
    email: key,
    email_key: key,
    password_hash: "h",
    confirmed: 1,
    created_at: 1,
    updated_at: 1,
  });
  await db
    .insertInto("userpass_accounts")
    .values([
      account("1", "jose\u0301@example.com"),
      account("2", "plain@example.com"),
      account("3", "rene\u0301@example.com"),
      account("4", "ren\u00e9@example.com"),
    ])
    .execute();
  assert.equal((await migrator.migrateToLatest()).error, undefined);
  const keys = Object.fromEntries(
    (await db.selectFrom("userpass_accounts").select(["id", "email_key"]).execute()).map((r: any) => [r.id, r.email_key]),
  );
  assert.deepEqual(keys, {
    "1": "jos\u00e9@example.com",
    "2": "plain@example.com",
    "3": "rene\u0301@example.com",
    "4": "ren\u00e9@example.com",
  });
}

describe("migration 0401_email_keys_nfc", () => {
  it("sqlite", async () => {
    const dir = await mkdtemp(join(tmpdir(), "gatehouse-nfc-"));
    const db = new Kysely<any>({ dialect: new SqliteDialect({ database: new BetterSqlite3(join(dir, "s.db")) }) });
    try {
      await check(db, "sqlite");
    } finally {
      await db.destroy();
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("postgres", { skip: requirement("postgres") }, async () => {
    const { url, drop } = await freshPostgresSchema();
    const pg = (await import("pg")).default;
    const db = new Kysely<any>({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: url, max: 2 }) }) });
    try {
      await check(db, "postgres");
    } finally {
      await db.destroy();
      await drop();
    }
  });
});
