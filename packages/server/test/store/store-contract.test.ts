import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { newObjectId } from "../../src/ids.js";
import { Store, isUniqueViolation } from "../../src/store/store.js";
import { storeEngines, withStore } from "../helpers/store-engines.js";
import { requirement } from "../../../../test/support/requirements.mjs";

/**
 * The Store contract: every engine must pass it. SQLite always runs; PostgreSQL runs when
 * GATEHOUSE_TEST_POSTGRES_URL names a database (CI starts one), each run in a fresh schema.
 */
const engines = storeEngines("gatehouse-store-", requirement("postgres"));

for (const engine of engines) {
  describe(`Store contract: ${engine.name}`, { skip: engine.skip }, () => {
    let store: Store;
    const app = "contract-app";
    withStore(engine, (opened) => {
      store = opened;
    });

    const newUser = async (externalId = newObjectId(), providerType = "anon-user") => {
      const id = newObjectId();
      await store.users.create(
        { id, appId: app, type: "normal", disabled: false, data: { email: "e@x.io" }, createdAt: 1000, sessionsValidSince: 1000 },
        { userId: id, providerType, providerName: providerType, externalId, providerData: {}, createdAt: 1000 },
      );
      return id;
    };

    it("creates a user with its identity and reads them back", async () => {
      const id = await newUser("ext-1");
      const user = await store.users.get(app, id);
      assert.equal(user?.id, id);
      assert.equal(user?.disabled, false);
      assert.deepEqual(user?.data, { email: "e@x.io" });
      assert.equal(user?.identities[0]?.externalId, "ext-1");
      assert.equal(await store.users.findIdByIdentity(app, "anon-user", "ext-1"), id);
      assert.equal(await store.users.get("other-app", id), undefined, "users are per app");
    });

    it("refuses a second user for the same identity (unique violation)", async () => {
      await newUser("ext-dup");
      await assert.rejects(newUser("ext-dup"), (e) => isUniqueViolation(e));
    });

    it("rolls back every write of a failed transaction", async () => {
      const id = newObjectId();
      await assert.rejects(
        store.transaction(async (tx) => {
          await tx.users.create(
            { id, appId: app, type: "normal", disabled: false, data: {}, createdAt: 1, sessionsValidSince: 1 },
            {
              userId: id,
              providerType: "anon-user",
              providerName: "anon-user",
              externalId: "ext-rollback",
              providerData: {},
              createdAt: 1,
            },
          );
          throw new Error("boom");
        }),
        /boom/,
      );
      assert.equal(await store.users.get(app, id), undefined);
      assert.equal(await store.users.findIdByIdentity(app, "anon-user", "ext-rollback"), undefined);
    });

    it("keeps a write made outside an open transaction out of it: the transaction's rollback spares it", async () => {
      // SQLite runs a transaction's statements straight on its one connection (store/transaction-statements.ts);
      // a write from outside must wait for the transaction, not land in it and be rolled back with it.
      const id = newObjectId();
      let inside!: () => void;
      const opened = new Promise<void>((resolve) => (inside = resolve));
      let fail!: () => void;
      const failing = new Promise<void>((resolve) => (fail = resolve));
      const transaction = store.transaction(async (tx) => {
        await tx.users.create(
          { id, appId: app, type: "normal", disabled: false, data: {}, createdAt: 1, sessionsValidSince: 1 },
          { userId: id, providerType: "anon-user", providerName: "anon-user", externalId: "ext-held", providerData: {}, createdAt: 1 },
        );
        inside();
        await failing;
        throw new Error("held, then failed");
      });
      await opened;
      const outside = store.audit.append({ appId: app, at: 5, type: "outside", userId: "u-outside", result: "ok" });
      fail();
      await assert.rejects(transaction, /held, then failed/);
      await outside;
      assert.equal(await store.users.get(app, id), undefined);
      assert.deepEqual(
        (await store.audit.list({ appId: app, type: "outside" })).map((e) => e.userId),
        ["u-outside"],
      );
    });

    it("tracks session state with its user's standing, and revokes", async () => {
      const userId = await newUser();
      const session = {
        id: newObjectId(),
        appId: app,
        userId,
        providerType: "anon-user",
        externalId: "x",
        deviceId: "d",
        createdAt: 2000,
        expiresAt: 9_000_000_000_000,
        revokedAt: null,
      };
      await store.sessions.create(session);
      let state = await store.sessions.state(session.id);
      assert.equal(state?.userDisabled, false);
      assert.equal(state?.revokedAt, null);
      assert.equal(state?.expiresAt, 9_000_000_000_000, "64-bit times survive");
      await store.users.setDisabled(app, userId, true, 3000);
      state = await store.sessions.state(session.id);
      assert.equal(state?.userDisabled, true);
      assert.equal(state?.userSessionsValidSince, 3000);
      assert.equal(await store.sessions.revoke(session.id, 4000), true);
      assert.equal(await store.sessions.revoke(session.id, 5000), false, "revoking twice reports nothing to do");
      assert.equal((await store.sessions.state(session.id))?.revokedAt, 4000);
    });

    it("deletes a user with its identities, sessions, devices and accounts", async () => {
      const userId = await newUser("acct-1", "local-userpass");
      await store.accounts.create({
        id: "acct-1",
        appId: app,
        email: "d@x.io",
        emailKey: "d@x.io",
        passwordHash: "h",
        confirmed: true,
        createdAt: 1,
      });
      await store.sessions.create({
        id: newObjectId(),
        appId: app,
        userId,
        providerType: "local-userpass",
        externalId: "acct-1",
        deviceId: "d",
        createdAt: 1,
        expiresAt: 2,
        revokedAt: null,
      });
      await store.sessions.upsertDevice({ id: newObjectId(), appId: app, userId, info: { platform: "x" }, at: 1 });
      // Another app naming this user's id deletes nothing: its dependents are keyed by user id alone.
      assert.equal(await store.users.delete("some-other-app", userId), false);
      assert.equal((await store.sessions.devicesOf(userId)).length, 1);
      assert.ok(await store.accounts.findByEmailKey(app, "d@x.io"));
      assert.equal(await store.users.delete(app, userId), true);
      assert.equal(await store.users.get(app, userId), undefined);
      assert.equal(await store.accounts.findByEmailKey(app, "d@x.io"), undefined);
      assert.deepEqual(await store.sessions.devicesOf(userId), []);
      assert.equal(await store.users.delete(app, userId), false);
    });

    it("keeps emails unique per app and uses one-time tokens once", async () => {
      const account = {
        id: newObjectId(),
        appId: app,
        email: "u@x.io",
        emailKey: "u@x.io",
        passwordHash: "h",
        confirmed: false,
        createdAt: 1,
      };
      await store.accounts.create(account);
      await assert.rejects(store.accounts.create({ ...account, id: newObjectId() }), (e) => isUniqueViolation(e));
      await store.accounts.create({ ...account, id: newObjectId(), appId: "another-app" });
      await store.accounts.createToken(
        {
          id: "tok-1",
          appId: app,
          accountId: account.id,
          purpose: "confirm",
          tokenHash: "ab",
          expiresAt: 10,
          usedAt: null,
        },
        1,
      );
      assert.equal((await store.accounts.getToken("tok-1"))?.tokenHash, "ab");
      const [a, b] = await Promise.all([store.accounts.consumeToken("tok-1", 5), store.accounts.consumeToken("tok-1", 5)]);
      assert.deepEqual([a, b].sort(), [false, true]);
      await store.accounts.markConfirmed(account.id, 6);
      assert.equal((await store.accounts.get(account.id))?.confirmed, true);
    });

    it("counts rate-limit hits per window without losing concurrent increments", async () => {
      const counts = await Promise.all(Array.from({ length: 20 }, () => store.rateLimits.hit("k", 60_000)));
      assert.deepEqual(
        counts.sort((x, y) => x - y),
        Array.from({ length: 20 }, (_, i) => i + 1),
      );
      assert.equal(await store.rateLimits.hit("k", 120_000), 1, "a new window starts over");
    });

    it("appends and lists audit events in order", async () => {
      await store.audit.append({ appId: app, at: 1, type: "login", userId: "u1", provider: "anon-user", ip: "1.2.3.4", result: "ok" });
      await store.audit.append({ appId: app, at: 2, type: "logout", userId: "u1", result: "ok" });
      const events = await store.audit.list({ appId: app, userId: "u1" });
      assert.deepEqual(
        events.map((e) => e.type),
        ["login", "logout"],
      );
      assert.equal(events[0]?.ip, "1.2.3.4");
      assert.equal((await store.audit.list({ appId: app, type: "logout" })).length, 1);
    });

    it("appends a batch of any size whole and in order, whatever statements it is split into", async () => {
      // 1 + 2 + ... + 12 = 78 events in batches of every size up to 12, then one of 200 (past one statement).
      const sizes = [...Array.from({ length: 12 }, (_, i) => i + 1), 200];
      let at = 10_000;
      const written: { at: number; detail: string }[] = [];
      for (const size of sizes) {
        const batch = Array.from({ length: size }, (_, i) => ({
          appId: app,
          at: at++,
          type: "batch",
          userId: `batch-${size}`,
          result: "ok",
          detail: `${size}/${i}`,
        }));
        written.push(...batch.map(({ at, detail }) => ({ at, detail })));
        await store.audit.appendMany(batch);
      }
      const read = await store.audit.list({ appId: app, type: "batch" });
      assert.deepEqual(
        read.map(({ at, detail }) => ({ at, detail })),
        written,
      );
    });

    it("keeps the first signing key when two instances race to create it", async () => {
      await Promise.all([store.signingKeys.addIfAbsent(app, "k1", "secret-a", 1), store.signingKeys.addIfAbsent(app, "k1", "secret-b", 1)]);
      const keys = await store.signingKeys.list(app);
      assert.equal(keys.length, 1);
    });
  });
}
