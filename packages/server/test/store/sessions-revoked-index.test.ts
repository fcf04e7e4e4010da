/**
 * `sessions_revoked` (migration 2000) holds revoked sessions only: a new session, revoked_at null, costs
 * no write to it. Housekeeping's look-up of revoked sessions must still walk it, not scan the table, and
 * still find and delete them. On an SQLite file and on PostgreSQL.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { CompiledQuery, sql } from "kysely";
import type { Store } from "../../src/store/store.js";
import { recordQueries } from "../helpers/query-log.js";
import { storeEngines, withStore } from "../helpers/store-engines.js";
import { requirement } from "../../../../test/support/requirements.mjs";

const DAY = 24 * 3600 * 1000;

for (const engine of storeEngines("gatehouse-sessions-revoked-", requirement("postgres"))) {
  describe(`the revoked-sessions index on ${engine.name}`, { skip: engine.skip }, () => {
    let store: Store;
    withStore(engine, (opened) => {
      store = opened;
    });

    it("is partial: only sessions with a revoked_at are in it", async () => {
      const definition =
        engine.name === "sqlite"
          ? (await sql<{ sql: string }>`select sql from sqlite_master where type = 'index' and name = 'sessions_revoked'`.execute(store.db))
              .rows[0]?.sql
          : (
              await sql<{
                sql: string;
              }>`select indexdef as sql from pg_indexes where indexname = 'sessions_revoked' and schemaname = current_schema()`.execute(
                store.db,
              )
            ).rows[0]?.sql;
      assert.ok(definition, "the index exists");
      assert.match(definition, /where \(?revoked_at is not null\)?/i);
    });

    it("serves housekeeping's look-up of revoked sessions, which deletes them and keeps the live ones", async () => {
      const now = Date.now();
      const session = (id: string, revokedAt: number | null) => ({
        id,
        app_id: "app",
        user_id: `u-${id}`,
        provider_type: "anon-user",
        external_id: `e-${id}`,
        device_id: `d-${id}`,
        created_at: now - DAY,
        expires_at: now + DAY,
        revoked_at: revokedAt,
      });
      await store.db
        .insertInto("sessions")
        .values([session("live-1", null), session("revoked-1", now - 1000), session("live-2", null), session("revoked-2", now - 500)])
        .execute();
      const seen = recordQueries(store);
      const removed = await store.retention.deleteEndedSessions(now, 100);
      assert.equal(removed.sessions, 2);
      const left = await store.db.selectFrom("sessions").select("id").orderBy("id").execute();
      assert.deepEqual(
        left.map((r) => r.id),
        ["live-1", "live-2"],
      );
      if (engine.name === "sqlite") {
        const lookUp = seen.find((q) => /"revoked_at" is not null/.test(q.sql));
        assert.ok(lookUp, "the revoked look-up ran");
        const explain = CompiledQuery.raw(`explain query plan ${lookUp.sql}`, [...lookUp.parameters]);
        const plan = (await store.db.executeQuery<{ detail: string }>(explain)).rows.map((r) => r.detail);
        assert.ok(
          plan.some((step) => /USING (COVERING )?INDEX sessions_revoked/.test(step)),
          `walks the index: ${plan.join(" | ")}`,
        );
      }
    });
  });
}
