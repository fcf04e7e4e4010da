import { sql, type Kysely, type Migration } from "kysely";
import type { Dialect } from "./connect.js";
import type { Database } from "./schema.js";

type Work = (db: Kysely<any>) => Promise<void>;

/**
 * Migration 1100: `app_user_counts`, kept by triggers on `users`, for the admin API's `user_count`.
 *
 * Why a maintained counter and not `count(*)`: counting one app's million users through the
 * `(app_id, …)` index takes ~40 ms on SQLite on this machine (more on PostgreSQL) and grows with the
 * table, on a page an operator opens first. The triggers cost one upsert of a tiny table per user
 * created or deleted, and they see every path that creates or deletes users (sign-up, anonymous
 * login, import, admin create, delete, housekeeping, bench seeding) without each having to remember.
 */
export function userCountsMigration(dialect: Dialect): Migration {
  return {
    async up(outer: Kysely<any>) {
      // Kysely runs SQLite migrations outside a transaction; this one needs one, so that no user created
      // by another process between the triggers and the count is missed or counted twice. On PostgreSQL
      // the migrator's own transaction does it: `create trigger` locks `users` against inserts until commit.
      const inTransaction = (work: Work) => (dialect === "sqlite" ? outer.transaction().execute(work) : work(outer));
      await inTransaction(async (db) => {
        await db.schema
          .createTable("app_user_counts")
          .addColumn("app_id", "text", (c) => c.notNull())
          .addColumn("slot", "integer", (c) => c.notNull())
          .addColumn("n", dialect === "postgres" ? "bigint" : "integer", (c) => c.notNull())
          .addPrimaryKeyConstraint("app_user_counts_pk", ["app_id", "slot"])
          .execute();
        if (dialect === "postgres") await postgresTriggers(db);
        else await sqliteTriggers(db);
        await sql`insert into app_user_counts (app_id, slot, n) select app_id, 0, count(*) from users group by app_id`.execute(db);
      });
    },
  };
}

/** 16 slots per app: concurrent sign-ups pick one at random, so they rarely wait on one row's lock. */
async function postgresTriggers(db: Kysely<any>): Promise<void> {
  await sql`
    create function gatehouse_count_users() returns trigger language plpgsql set search_path from current as $$
    begin
      if tg_op = 'INSERT' then
        insert into app_user_counts (app_id, slot, n) values (new.app_id, floor(random() * 16)::integer, 1)
          on conflict (app_id, slot) do update set n = app_user_counts.n + 1;
      else
        insert into app_user_counts (app_id, slot, n) values (old.app_id, floor(random() * 16)::integer, -1)
          on conflict (app_id, slot) do update set n = app_user_counts.n - 1;
      end if;
      return null;
    end $$`.execute(db);
  await sql`create trigger users_count after insert or delete on users for each row execute function gatehouse_count_users()`.execute(db);
}

/** SQLite has one writer at a time: one slot per app is enough. */
async function sqliteTriggers(db: Kysely<any>): Promise<void> {
  await sql`create trigger users_count_insert after insert on users begin
      insert into app_user_counts (app_id, slot, n) values (new.app_id, 0, 1) on conflict (app_id, slot) do update set n = n + 1;
    end`.execute(db);
  await sql`create trigger users_count_delete after delete on users begin
      insert into app_user_counts (app_id, slot, n) values (old.app_id, 0, -1) on conflict (app_id, slot) do update set n = n - 1;
    end`.execute(db);
}

/** Users per app (client app id), from the maintained counter: a read of at most 16 rows per app. */
export async function userCountsByApp(db: Kysely<Database>): Promise<Map<string, number>> {
  const rows = await db
    .selectFrom("app_user_counts")
    .select(["app_id", (eb) => eb.fn.sum<number | string>("n").as("n")])
    .groupBy("app_id")
    .execute();
  return new Map(rows.map((r) => [r.app_id, Number(r.n)]));
}
