import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { newObjectId } from "../../src/ids.js";
import { Store } from "../../src/store/store.js";
import { storeEngines } from "../helpers/store-engines.js";
import { requirement } from "../../../../test/support/requirements.mjs";

/**
 * `Store.grouped` (store/group-commit.ts) on both engines: units submitted together share a transaction,
 * each caller hears back only once its rows are committed, and a unit that fails takes nobody else down
 * and leaves nothing behind.
 */
const engines = storeEngines("gatehouse-group-", requirement("postgres"));

for (const engine of engines) {
  describe(`group commit: ${engine.name}`, { skip: engine.skip }, () => {
    let store: Store;
    /** A second Store on the same database: its own connection, which sees only committed rows. */
    let reader: Store;
    let cleanup: () => Promise<void>;
    before(async () => {
      const opened = await engine.open();
      cleanup = opened.cleanup;
      store = await Store.open(opened.url);
      reader = await Store.open(opened.url);
    });
    after(async () => {
      await store?.close();
      await reader?.close();
      await cleanup?.();
    });

    /** A unit writing one user (and its identity); `fail` makes it throw after writing. */
    const unit =
      (id: string, seen: Store[], fail = false) =>
      async (tx: Store) => {
        seen.push(tx);
        const now = Date.now();
        const identity = {
          userId: id,
          providerType: "anon-user",
          providerName: "anon-user",
          externalId: id,
          providerData: {},
          createdAt: now,
        };
        await tx.users.create(
          { id, appId: "group-app", type: "normal", disabled: false, data: {}, createdAt: now, sessionsValidSince: now },
          identity,
        );
        if (fail) throw new Error(`unit ${id} fails after its write`);
        return id;
      };
    const exists = async (id: string) => (await store.users.get("group-app", id)) !== undefined;

    it("commits units submitted together in shared transactions, each resolved with its own result", async () => {
      const ids = Array.from({ length: 12 }, () => newObjectId());
      const seen: Store[] = [];
      const results = await Promise.all(ids.map((id) => store.grouped(unit(id, seen))));
      assert.deepEqual(results, ids);
      for (const id of ids) assert.ok(await exists(id), `user ${id} not committed`);
      // Fewer transactions than units: they were grouped.
      assert.ok(new Set(seen).size < ids.length, `${new Set(seen).size} transactions for ${ids.length} units`);
    });

    it("batches side by side create users without waiting on each other, and the user count stays exact", async () => {
      // 160 units at once: on PostgreSQL five batches of 32 run on five connections at the same time. Each
      // user insert fires the user-count trigger; when it upserted a random one of 16 counter rows, such
      // batches deadlocked (40P01) and were rolled back and re-run unit by unit.
      const before = { ...store.groupCommitStats! };
      const counted = (await store.adminStats.userCounts()).get("group-app") ?? 0;
      const ids = Array.from({ length: 160 }, () => newObjectId());
      await Promise.all(ids.map((id) => store.grouped(unit(id, []))));
      const after = store.groupCommitStats!;
      assert.equal(after.rerun - before.rerun, 0, "a batch was rolled back and re-run");
      assert.ok(after.batches - before.batches >= 5, `${after.batches - before.batches} batches`);
      assert.equal(after.batchedUnits - before.batchedUnits, ids.length);
      assert.equal((await store.adminStats.userCounts()).get("group-app"), counted + ids.length);
    });

    it("a failing unit is rejected with its own error, leaves nothing, and the others still commit", async () => {
      const ids = Array.from({ length: 8 }, () => newObjectId());
      const bad = ids[3]!;
      const seen: Store[] = [];
      const settled = await Promise.allSettled(ids.map((id) => store.grouped(unit(id, seen, id === bad))));
      settled.forEach((outcome, i) => {
        if (ids[i] === bad) {
          assert.equal(outcome.status, "rejected");
          assert.match(String((outcome as PromiseRejectedResult).reason), new RegExp(`unit ${bad} fails`));
        } else assert.deepEqual(outcome, { status: "fulfilled", value: ids[i] });
      });
      for (const id of ids) assert.equal(await exists(id), id !== bad, `user ${id}`);
      const identity = await store.users.findIdByIdentity("group-app", "anon-user", bad);
      assert.equal(identity, undefined, "the failed unit's identity row was left behind");
    });

    it("a unique violation in one unit (a racing duplicate) fails that unit only", async () => {
      const ids = Array.from({ length: 6 }, () => newObjectId());
      const twice = [...ids, ids[2]!];
      const settled = await Promise.allSettled(twice.map((id) => store.grouped(unit(id, []))));
      assert.equal(settled.filter((s) => s.status === "fulfilled").length, ids.length);
      assert.equal(settled.filter((s) => s.status === "rejected").length, 1);
      for (const id of ids) assert.ok(await exists(id));
    });

    it("resolves no caller before its transaction has committed", async () => {
      // Each caller, once resolved, looks for its row through another connection: it must be there.
      const ids = Array.from({ length: 10 }, () => newObjectId());
      await Promise.all(
        ids.map(async (id) => {
          await store.grouped(unit(id, []));
          assert.ok(await reader.users.get("group-app", id), `caller of ${id} resolved before its commit`);
        }),
      );
    });
  });
}
