import { sql, type Kysely, type Migration } from "kysely";
import type { Dialect } from "./connect.js";
import type { Database } from "./schema.js";
import { engineOf } from "./documents-table.js";

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

/**
 * Migration 1400: on PostgreSQL the trigger appends a +1/−1 row to `app_user_count_deltas` instead of
 * upserting one of the app's 16 counter rows.
 *
 * Why: the upsert locks a counter row, picked at random per user, until the transaction ends. A group
 * commit (store/group-commit.ts) creates several users in one transaction, so two batches on two
 * connections each held some slots and waited for the other's: `40P01 deadlock detected` under the
 * anonymous-login bench (the server log named this trigger's statement every time). An insert into a
 * table with no index waits on nobody, so batches run side by side; `foldUserCountDeltas` moves the
 * rows into the counter now and then (housekeeping), and the read sums both tables in one snapshot.
 * SQLite keeps its upsert: one writer, so nothing to wait on, and its deltas table stays empty.
 */
export function userCountDeltasMigration(dialect: Dialect): Migration {
  return {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable("app_user_count_deltas")
        .addColumn("app_id", "text", (c) => c.notNull())
        .addColumn("n", "integer", (c) => c.notNull())
        .execute();
      if (dialect !== "postgres") return;
      // Same function, new body: the trigger that calls it stays. The migrator's transaction makes the
      // switch atomic (create or replace locks nothing, but no user insert sees half of it).
      await sql`
        create or replace function gatehouse_count_users() returns trigger language plpgsql set search_path from current as $$
        begin
          if tg_op = 'INSERT' then
            insert into app_user_count_deltas (app_id, n) values (new.app_id, 1);
          else
            insert into app_user_count_deltas (app_id, n) values (old.app_id, -1);
          end if;
          return null;
        end $$`.execute(db);
    },
  };
}

/**
 * Users per app (client app id): the counter rows plus the deltas not folded yet, in one statement (one
 * snapshot, so a fold committing meanwhile is seen entirely or not at all).
 */
export async function userCountsByApp(db: Kysely<Database>): Promise<Map<string, number>> {
  const { rows } = await sql<{ app_id: string; n: number | string }>`
    select app_id, sum(n) as n from (
      select app_id, n from app_user_counts union all select app_id, n from app_user_count_deltas
    ) as counted group by app_id`.execute(db);
  return new Map(rows.map((r) => [r.app_id, Number(r.n)]));
}

/**
 * Moves the deltas into the counter rows (slot 0), in one statement: a delta is deleted and added in the
 * same transaction. Two instances folding at once do not count a row twice: the second's delete waits
 * for the first's and then skips the rows already gone. Returns how many deltas were folded.
 */
export async function foldUserCountDeltas(db: Kysely<Database>): Promise<number> {
  // SQLite's trigger writes no deltas (and SQLite has no DML in a CTE).
  if (engineOf(db) !== "postgres") return 0;
  const { rows } = await sql<{ folded: number | string }>`
    with moved as (delete from app_user_count_deltas returning app_id, n),
    added as (
      insert into app_user_counts (app_id, slot, n) select app_id, 0, sum(n) from moved group by app_id
      on conflict (app_id, slot) do update set n = app_user_counts.n + excluded.n
    )
    select count(*) as folded from moved`.execute(db);
  return Number(rows[0]?.folded ?? 0);
}
