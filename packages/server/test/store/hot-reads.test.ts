/**
 * The session lookups of every authenticated request go straight to the driver (store/raw-reader.ts):
 * they return what Kysely returned, read committed rows only, and inside a transaction the transaction's
 * own. On an SQLite file, on an in-memory SQLite database (one shared connection) and on PostgreSQL.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { newObjectId } from "../../src/ids.js";
import { Store } from "../../src/store/store.js";
import { storeEngines, withStore, type StoreEngine } from "../helpers/store-engines.js";
import { requirement } from "../../../../test/support/requirements.mjs";

const memory: StoreEngine = { name: "sqlite", skip: false, open: async () => ({ url: "sqlite::memory:", cleanup: async () => {} }) };
const engines = [
  ...storeEngines("gatehouse-hot-reads-", requirement("postgres")).map((e) => ({
    ...e,
    label: e.name === "sqlite" ? "an SQLite file" : "PostgreSQL",
  })),
  { ...memory, label: "in-memory SQLite" },
];

for (const engine of engines) {
  describe(`session lookups on ${engine.label}`, { skip: engine.skip }, () => {
    let store: Store;
    const app = "hot-app";
    withStore(engine, (opened) => {
      store = opened;
    });

    /** A user with two identities (the newer stored first) and one live session. */
    async function userWithSession() {
      const userId = newObjectId();
      const [newer, older] = [`newer-${userId}`, `older-${userId}`];
      await store.users.create(
        {
          id: userId,
          appId: app,
          type: "normal",
          disabled: false,
          data: { email: "hot@example.com" },
          createdAt: 1000,
          sessionsValidSince: 1000,
        },
        {
          userId,
          providerType: "local-userpass",
          providerName: "local-userpass",
          externalId: newer,
          providerData: { email: "hot@example.com" },
          createdAt: 2000,
        },
      );
      await store.users.addIdentity(app, {
        userId,
        providerType: "anon-user",
        providerName: "anon-user",
        externalId: older,
        providerData: {},
        createdAt: 1500,
      });
      const session = {
        id: newObjectId(),
        appId: app,
        userId,
        providerType: "anon-user",
        externalId: older,
        deviceId: "dev",
        createdAt: 3000,
        expiresAt: 9_000_000_000_000,
        revokedAt: null,
      };
      await store.sessions.create(session);
      return { userId, session, newer, older };
    }

    it("reads the session, the user and its identities oldest first, with every field typed", async () => {
      const { userId, session, newer, older } = await userWithSession();
      const found = await store.sessions.stateWithUser(session.id);
      assert.ok(found);
      assert.deepEqual(found.session, {
        id: session.id,
        appId: app,
        userId,
        providerType: "anon-user",
        externalId: older,
        deviceId: "dev",
        createdAt: 3000,
        expiresAt: 9_000_000_000_000,
        revokedAt: null,
        userDisabled: false,
        userSessionsValidSince: 1000,
        userLastActiveAt: null,
      });
      assert.equal(found.user.id, userId);
      assert.deepEqual(found.user.data, { email: "hot@example.com" });
      assert.deepEqual(
        found.user.identities.map((i) => [i.externalId, i.createdAt]),
        [
          [older, 1500],
          [newer, 2000],
        ],
      );
      assert.deepEqual(found.user.identities[1]!.providerData, { email: "hot@example.com" });
      assert.deepEqual(await store.sessions.state(session.id), found.session);
      assert.equal(await store.sessions.stateWithUser(newObjectId()), undefined);
      assert.equal(await store.sessions.state(newObjectId()), undefined);
    });

    it("sees a revocation once it is committed, never before; a transaction sees its own", async () => {
      const { session } = await userWithSession();
      let readDuring: Promise<unknown> | undefined;
      await store.transaction(async (tx) => {
        await tx.sessions.revoke(session.id, 4000);
        assert.equal((await tx.sessions.state(session.id))?.revokedAt, 4000, "the transaction reads its own write");
        if (engine.label === "in-memory SQLite") {
          // One connection, held by this transaction: the read waits for it rather than read inside it.
          readDuring = store.sessions.state(session.id);
        } else {
          assert.equal((await store.sessions.state(session.id))?.revokedAt, null, "uncommitted: not seen outside");
        }
      });
      if (readDuring) assert.equal(((await readDuring) as { revokedAt: number | null }).revokedAt, 4000);
      assert.equal((await store.sessions.state(session.id))?.revokedAt, 4000);
      assert.equal((await store.sessions.stateWithUser(session.id))?.session.revokedAt, 4000);
    });
  });
}
