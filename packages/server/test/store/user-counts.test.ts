/**
 * The per-app user counter (migrations 1100 and 1400): kept by triggers on both engines through creates,
 * deletes and concurrent sign-ups, folded from PostgreSQL's deltas exactly once, and filled in for users
 * that existed before the migration ran.
 */
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import Database from "better-sqlite3";
import { Kysely, Migrator, SqliteDialect, sql } from "kysely";
import { newObjectId } from "../../src/ids.js";
import { migrations } from "../../src/store/migrations.js";
import { Store } from "../../src/store/store.js";
import { freshPostgresSchema } from "../helpers/postgres.js";
import { requirement } from "../../../../test/support/requirements.mjs";

const engines: { name: string; skip?: string | false; open: () => Promise<{ url: string; cleanup: () => Promise<void> }> }[] = [
  {
    name: "sqlite",
    open: async () => {
      const dir = await mkdtemp(join(tmpdir(), "gatehouse-counts-"));
      return { url: `sqlite:${join(dir, "store.db")}`, cleanup: () => rm(dir, { recursive: true, force: true }) };
    },
  },
  {
    name: "postgres",
    skip: requirement("postgres"),
    open: async () => {
      const { url, drop } = await freshPostgresSchema();
      return { url, cleanup: drop };
    },
  },
];

async function newUser(store: Store, appId: string): Promise<string> {
  const id = newObjectId();
  await store.users.create(
    { id, appId, type: "normal", disabled: false, data: {}, createdAt: 1000, sessionsValidSince: 1000 },
    { userId: id, providerType: "anon-user", providerName: "anon-user", externalId: newObjectId(), providerData: {}, createdAt: 1000 },
  );
  return id;
}

async function tableCount(store: Store, appId: string): Promise<number> {
  const row = await store.db
    .selectFrom("users")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .where("app_id", "=", appId)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

for (const engine of engines) {
  describe(`user counts: ${engine.name}`, { skip: engine.skip ?? false }, () => {
    let store: Store;
    let cleanup: () => Promise<void>;
    before(async () => {
      const opened = await engine.open();
      cleanup = opened.cleanup;
      store = await Store.open(opened.url);
    });
    after(async () => {
      await store.close();
      await cleanup();
    });

    it("counts creates and deletes per app, whichever path wrote them", async () => {
      assert.deepEqual([...(await store.adminStats.userCounts())], []);
      const a = [await newUser(store, "app-a"), await newUser(store, "app-a"), await newUser(store, "app-a")];
      await newUser(store, "app-b");
      assert.equal((await store.adminStats.userCounts()).get("app-a"), 3);
      assert.equal((await store.adminStats.userCounts()).get("app-b"), 1);
      assert.equal(await store.users.delete("app-a", a[0]!), true);
      // A rolled-back creation leaves the count as it was.
      await assert.rejects(
        store.transaction(async (tx) => {
          await newUser(tx, "app-a");
          throw new Error("rolled back");
        }),
        /rolled back/,
      );
      // A raw delete (as housekeeping or a bulk delete may do) is counted too.
      await store.db.deleteFrom("users").where("id", "=", a[1]!).execute();
      assert.equal((await store.adminStats.userCounts()).get("app-a"), 1);
      assert.equal((await store.adminStats.userCounts()).get("app-a"), await tableCount(store, "app-a"));
    });

    it("stays exact under concurrent sign-ups", async () => {
      await Promise.all(Array.from({ length: 60 }, () => newUser(store, "app-c")));
      assert.equal((await store.adminStats.userCounts()).get("app-c"), 60);
      assert.equal(await tableCount(store, "app-c"), 60);
    });

    it("folds the deltas into the counter once, while users are created and other folds run", async () => {
      // Migration 1400: PostgreSQL's trigger appends deltas, housekeeping folds them; SQLite writes none.
      const pending = async () =>
        Number((await sql<{ n: number }>`select count(*) as n from app_user_count_deltas`.execute(store.db)).rows[0]!.n);
      const created = Promise.all(Array.from({ length: 40 }, () => newUser(store, "app-d")));
      const folds = Promise.all(Array.from({ length: 4 }, () => store.adminStats.foldUserCounts()));
      await created;
      await folds;
      await store.adminStats.foldUserCounts();
      assert.equal(await pending(), 0);
      assert.equal((await store.adminStats.userCounts()).get("app-d"), 40);
      assert.equal(await tableCount(store, "app-d"), 40);
      // Deletes are deltas too, and what was folded stays counted.
      const [gone] = (await store.db.selectFrom("users").select("id").where("app_id", "=", "app-d").limit(1).execute()).map((r) => r.id);
      await store.db.deleteFrom("users").where("id", "=", gone!).execute();
      if (engine.name === "postgres") assert.equal(await pending(), 1);
      assert.equal((await store.adminStats.userCounts()).get("app-d"), 39);
      assert.equal(await store.adminStats.foldUserCounts(), engine.name === "postgres" ? 1 : 0);
      assert.equal((await store.adminStats.userCounts()).get("app-d"), 39);
    });
  });
}

describe("user counts: users created before the migration", () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "gatehouse-counts-"));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it("are counted when the migration runs", async () => {
    const file = join(dir, "old.db");
    const old = new Kysely<any>({ dialect: new SqliteDialect({ database: new Database(file) }) });
    const { ["1100_app_user_counts"]: _counter, ...earlier } = migrations("sqlite");
    const migrated = await new Migrator({ db: old, provider: { getMigrations: async () => earlier } }).migrateToLatest();
    assert.equal(migrated.error, undefined);
    for (let n = 0; n < 5; n++) {
      await old
        .insertInto("users")
        .values({ id: newObjectId(), app_id: n < 3 ? "app-old" : "app-other", type: "normal", created_at: 1, sessions_valid_since: 1 })
        .execute();
    }
    await old.destroy();

    const store = await Store.open(`sqlite:${file}`);
    try {
      const counts = await store.adminStats.userCounts();
      assert.equal(counts.get("app-old"), 3);
      assert.equal(counts.get("app-other"), 2);
      await newUser(store, "app-old");
      assert.equal((await store.adminStats.userCounts()).get("app-old"), 4);
    } finally {
      await store.close();
    }
  });
});
