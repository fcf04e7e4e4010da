import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { AuditLog } from "../../src/audit/audit-log.js";
import type { Store } from "../../src/store/store.js";
import { storeEngines, withStore } from "../helpers/store-engines.js";
import { requirement } from "../../../../test/support/requirements.mjs";

/**
 * AuditLog's group commit: events recorded on their own in one event-loop turn are written together,
 * in order. A batch that takes several INSERT statements (37 = 32 + 4 + 1 rows) goes in one transaction.
 */
for (const engine of storeEngines("gatehouse-audit-log-", requirement("postgres"))) {
  describe(`AuditLog group commit: ${engine.name}`, { skip: engine.skip }, () => {
    let store: Store;
    let now = 1_000;
    withStore(engine, (opened) => {
      store = opened;
    });

    for (const size of [1, 37, 100]) {
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
  });
}
