import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { AuditLog } from "../../src/audit/audit-log.js";
import type { Store } from "../../src/store/store.js";
import { storeEngines, withStore } from "../helpers/store-engines.js";
import { requirement } from "../../../../test/support/requirements.mjs";

/**
 * AuditLog's group commit: events recorded on their own in one event-loop turn are written together,
 * in order. A batch of up to 16 events is one INSERT of its size; one that takes several (37 = 32 + 5 rows)
 * goes in one transaction. Either way a refused event leaves none of its batch written.
 */
for (const engine of storeEngines("gatehouse-audit-log-", requirement("postgres"))) {
  describe(`AuditLog group commit: ${engine.name}`, { skip: engine.skip }, () => {
    let store: Store;
    let now = 1_000;
    withStore(engine, (opened) => {
      store = opened;
    });

    for (const size of [1, 14, 16, 17, 37, 100]) {
      it(`stores all ${size} events recorded in one turn, in order`, async () => {
        const log = new AuditLog(store, { now: () => now++ });
        const userIds = Array.from({ length: size }, (_, i) => `batch${size}-${i}`);
        const settled: string[] = [];
        await Promise.all(
          userIds.map((userId) =>
            log.record({ appId: "audit-app", type: `batch-${size}`, userId, result: "ok" }).then(() => settled.push(userId)),
          ),
        );
        assert.equal(settled.length, size);
        const stored = await store.audit.list({ appId: "audit-app", type: `batch-${size}` });
        assert.deepEqual(
          stored.map((e) => e.userId),
          userIds,
        );
      });
    }
    for (const size of [14, 37]) {
      it(`writes none of a batch of ${size} whose last event is refused, and rejects every caller`, async () => {
        const log = new AuditLog(store, { now: () => now++ });
        const type = `refused-${size}`;
        const outcomes = await Promise.allSettled(
          Array.from({ length: size }, (_, i) =>
            // A null type breaks the column's NOT NULL: the store refuses that row.
            log.record({ appId: "audit-app", type: i === size - 1 ? (null as unknown as string) : type, userId: `u${i}`, result: "ok" }),
          ),
        );
        assert.deepEqual(
          outcomes.map((o) => o.status),
          Array(size).fill("rejected"),
        );
        assert.deepEqual(await store.audit.list({ appId: "audit-app", type }), []);
        // The log goes on: the next batch is written.
        await log.record({ appId: "audit-app", type, userId: "after", result: "ok" });
        assert.deepEqual(
          (await store.audit.list({ appId: "audit-app", type })).map((e) => e.userId),
          ["after"],
        );
      });
    }
  });
}
