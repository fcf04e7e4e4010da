/**
 * `PreparedQuery.runInOrder` binds values by position: it must refuse an order that is not the compiled
 * statement's, and, given the right one, store what binding by name stores. The audit log's multi-row
 * insert binds this way: every field of every event must land in its own column, and a refused row must
 * leave none of its statement behind. On an SQLite file and on PostgreSQL.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { Kysely } from "kysely";
import { PreparedQuery } from "../../src/store/prepared.js";
import type { Database } from "../../src/store/schema.js";
import type { AuditEvent, Store } from "../../src/store/store.js";
import { storeEngines, withStore } from "../helpers/store-engines.js";
import { requirement } from "../../../../test/support/requirements.mjs";

const insert = new PreparedQuery((db: Kysely<Database>, p) =>
  db.insertInto("rate_limits").values([
    { key: p("key0"), window_start: p("start0"), count: p("count0") },
    { key: p("key1"), window_start: p("start1"), count: p("count1") },
  ]),
);
const ORDER = ["key0", "start0", "count0", "key1", "start1", "count1"];

for (const engine of storeEngines("gatehouse-prepared-order-", requirement("postgres"))) {
  describe(`prepared queries bound by position on ${engine.name}`, { skip: engine.skip }, () => {
    let store: Store;
    withStore(engine, (opened) => {
      store = opened;
    });
    const counts = async () =>
      (await store.db.selectFrom("rate_limits").select(["key", "window_start", "count"]).orderBy("key").execute()).map((r) => [
        r.key,
        Number(r.window_start),
        Number(r.count),
      ]);

    it("stores the values in the order given, as binding by name does", async () => {
      await insert.runInOrder(store.db, ORDER, ["a", 10, 1, "b", 20, 2]);
      await insert.run(store.db, { key0: "c", start0: 30, count0: 3, key1: "d", start1: 40, count1: 4 });
      assert.deepEqual(await counts(), [
        ["a", 10, 1],
        ["b", 20, 2],
        ["c", 30, 3],
        ["d", 40, 4],
      ]);
    });

    it("refuses an order other than the statement's, and a wrong number of values, writing nothing", async () => {
      const before = await counts();
      const swapped = ["start0", "key0", "count0", "key1", "start1", "count1"];
      assert.throws(() => insert.runInOrder(store.db, swapped, [10, "x", 1, "y", 20, 2]), /not in the order given/);
      assert.throws(() => insert.runInOrder(store.db, ORDER, ["x", 10, 1]), /6 values expected, 3 given/);
      assert.deepEqual(await counts(), before);
    });

    it("stores each of an audit event's fields in its own column, in statements of every size", async () => {
      // 13 events: statements of 8, 4 and 1 rows; no two fields of an event alike.
      const events: AuditEvent[] = Array.from({ length: 13 }, (_, i) => ({
        appId: `app-${i}`,
        at: 1_000 + i,
        type: `type-${i}`,
        userId: `user-${i}`,
        provider: `provider-${i}`,
        ip: `10.0.0.${i}`,
        result: `result-${i}`,
        detail: `detail-${i}`,
        actor: `actor-${i}`,
      }));
      events[5] = { appId: "app-5", at: 1_005, type: "type-5", result: "result-5" };
      await store.audit.appendMany(events);
      for (const [i, event] of events.entries()) {
        const [stored] = await store.audit.list({ appId: `app-${i}` });
        const expected = { userId: null, provider: null, ip: null, detail: null, actor: null, ...event };
        assert.deepEqual(stored, expected);
      }
    });

    it("leaves nothing of a multi-row audit insert refused at a later row, in a transaction or on its own", async () => {
      // Inside a transaction SQLite's insert is `or fail` (misc-repos.ts): what it wrote before the refused
      // row must go with the transaction's rollback. Outside one, the plain insert writes none of it.
      const good = (appId: string, i: number): AuditEvent => ({ appId, at: 2_000 + i, type: "login", result: "ok" });
      const refused = { appId: "half", at: 2_100, type: null, result: "ok" } as unknown as AuditEvent;
      const inTransaction = store.transaction(async (tx) => {
        await tx.audit.append(good("before", 0));
        await tx.audit.appendMany([good("half", 1), good("half", 2), good("half", 3), refused]);
      });
      await assert.rejects(inTransaction, /NOT NULL|null value/i);
      await assert.rejects(store.audit.appendMany([good("alone", 1), refused]), /NOT NULL|null value/i);
      for (const appId of ["before", "half", "alone"]) assert.deepEqual(await store.audit.list({ appId }), [], appId);
      // The same statements still store what they are given.
      await store.transaction((tx) => tx.audit.appendMany([good("after", 1), good("after", 2)]));
      assert.equal((await store.audit.list({ appId: "after" })).length, 2);
    });
  });
}
