/**
 * No index is a plain prefix of another on the same table, on either engine, after every migration: the
 * longer one serves each lookup and order the shorter one could, so the shorter one only costs a B-tree
 * write on every insert and delete (the login paths insert into `users`, `sessions` and `audit_events`).
 * Unique, partial and expression indexes are left out: they say more than their columns.
 */
import assert from "node:assert/strict";
import { it } from "node:test";
import { sql } from "kysely";
import type { Store } from "../../src/store/store.js";
import { openStore, storeEngines } from "../helpers/store-engines.js";
import { requirement } from "../../../../test/support/requirements.mjs";

interface PlainIndex {
  table: string;
  name: string;
  columns: string[];
}

async function sqliteIndexes(store: Store): Promise<PlainIndex[]> {
  const tables = await sql<{ name: string }>`select name from sqlite_master where type = 'table'`.execute(store.db);
  const found: PlainIndex[] = [];
  for (const { name: table } of tables.rows) {
    const list = await sql<{ name: string; unique: number; origin: string; partial: number }>`
      select name, "unique", origin, partial from pragma_index_list(${table})`.execute(store.db);
    for (const index of list.rows) {
      if (index.unique || index.partial || index.origin !== "c") continue;
      const info = await sql<{ name: string | null }>`select name from pragma_index_info(${index.name}) order by seqno`.execute(store.db);
      const columns = info.rows.map((row) => row.name);
      if (columns.some((column) => column === null)) continue; // an expression
      found.push({ table, name: index.name, columns: columns as string[] });
    }
  }
  return found;
}

async function postgresIndexes(store: Store): Promise<PlainIndex[]> {
  const rows = await sql<{ table: string; name: string; columns: string[] }>`
    select t.relname as "table", i.relname as name,
           array(select a.attname from unnest(x.indkey) with ordinality k(attnum, n)
                 join pg_attribute a on a.attrelid = x.indrelid and a.attnum = k.attnum order by k.n)::text[] as columns
      from pg_index x
      join pg_class i on i.oid = x.indexrelid
      join pg_class t on t.oid = x.indrelid
     where t.relnamespace = current_schema()::regnamespace
       and not x.indisunique and x.indpred is null and x.indexprs is null
       and not exists (select 1 from unnest(x.indclass) c join pg_opclass o on o.oid = c where o.opcname like '%pattern%')
       and not exists (select 1 from unnest(x.indcollation) c where c <> 0 and c <> (select oid from pg_collation where collname = 'default'))`.execute(
    store.db,
  );
  return rows.rows;
}

const isPrefix = (short: string[], long: string[]) => short.length < long.length && short.every((column, i) => long[i] === column);

for (const engine of storeEngines("gatehouse-redundant-indexes-", requirement("postgres"))) {
  it(`no plain index is a prefix of another (${engine.name})`, { skip: engine.skip }, async () => {
    const { store, close } = await openStore(engine);
    try {
      const indexes = engine.name === "sqlite" ? await sqliteIndexes(store) : await postgresIndexes(store);
      assert.ok(
        indexes.some((index) => index.name === "users_app_created_id"),
        "the query found the indexes",
      );
      const redundant = indexes.flatMap((short) =>
        indexes
          .filter((long) => long.table === short.table && isPrefix(short.columns, long.columns))
          .map((long) => `${short.name} (${short.columns.join(", ")}) is a prefix of ${long.name} (${long.columns.join(", ")})`),
      );
      assert.deepEqual(redundant, []);
    } finally {
      await close();
    }
  });
}
