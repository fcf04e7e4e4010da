import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { TestClock } from "../../src/index.js";
import { newObjectId } from "../../src/ids.js";
import { Housekeeping } from "../../src/store/housekeeping.js";
import { Store } from "../../src/store/store.js";
import { storeEngines, withStore } from "../helpers/store-engines.js";
import { requirement } from "../../../../test/support/requirements.mjs";

const DAY = 24 * 3600 * 1000;

/** Retention on both engines: the activity scan resumes across batches, devices go with their last session. */
const engines = storeEngines("gatehouse-retention-", requirement("postgres"));

for (const engine of engines) {
  describe(`retention: ${engine.name}`, { skip: engine.skip }, () => {
    let store: Store;
    const clock = new TestClock();
    withStore(engine, (opened) => {
      store = opened;
    });

    /** A live session row of `owner` on `device`. */
    const sessionOf = (owner: string, device: string, at: number, expiresAt: number, id = newObjectId()) => ({
      id,
      appId: "ret-app",
      userId: owner,
      providerType: "anon-user",
      externalId: "x",
      deviceId: device,
      createdAt: at,
      expiresAt,
      revokedAt: null,
    });
    const user = async (providerTypes: string[], at: number) => {
      const id = newObjectId();
      const identity = (providerType: string) => ({
        userId: id,
        providerType,
        providerName: providerType,
        externalId: newObjectId(),
        providerData: {},
        createdAt: at,
      });
      await store.users.create(
        { id, appId: "ret-app", type: "normal", disabled: false, data: {}, createdAt: at, sessionsValidSince: at, lastLoginAt: at },
        identity(providerTypes[0]!),
      );
      for (const type of providerTypes.slice(1)) await store.users.addIdentity("ret-app", identity(type));
      return id;
    };

    it("deletes inactive anonymous-only users across many small batches, in activity order", async () => {
      const start = clock.now();
      const anonymous = [];
      const others = [];
      for (let i = 0; i < 23; i++) {
        anonymous.push(await user(["anon-user"], start + i));
        others.push(await user(i % 2 ? ["local-userpass"] : ["anon-user", "custom-function"], start + i));
      }
      const active = await user(["anon-user"], start);
      await store.users.touchActive(active, start + 50 * DAY);
      clock.advance(91 * DAY);
      const housekeeping = new Housekeeping(store, clock, {
        rateLimitWindowMs: 60_000,
        anonymousUserInactiveMs: 90 * DAY,
        auditEventMs: 365 * DAY,
        batchSize: 5,
      });
      const result = await housekeeping.run();
      assert.equal(result.anonymousUsers, 23);
      for (const id of anonymous) assert.equal(await store.users.get("ret-app", id), undefined);
      for (const id of [...others, active]) assert.ok(await store.users.get("ret-app", id), id);
      assert.equal((await housekeeping.run()).anonymousUsers, 0, "a second pass finds nothing more");
    });

    it("deleteMany removes each user with what hangs off it (identities, sessions, devices, account), and nothing else", async () => {
      const now = clock.now();
      const [anon, withAccount, kept] = [
        await user(["anon-user"], now),
        await user(["local-userpass"], now),
        await user(["anon-user"], now),
      ];
      const accountId = (
        await store.db.selectFrom("identities").select("external_id").where("user_id", "=", withAccount).executeTakeFirstOrThrow()
      ).external_id;
      await store.accounts.create({
        id: accountId,
        appId: "ret-app",
        email: `${accountId}@example.com`,
        emailKey: `${accountId}@example.com`,
        passwordHash: "x",
        confirmed: true,
        createdAt: now,
      });
      for (const owner of [anon, kept]) {
        const device = newObjectId();
        await store.sessions.upsertDevice({ id: device, appId: "ret-app", userId: owner, info: {}, at: now });
        await store.sessions.create(sessionOf(owner, device, now, now + DAY));
      }
      const deleted = await store.transaction((tx) => tx.users.deleteMany("ret-app", [anon, withAccount, newObjectId()]));
      assert.deepEqual([...deleted].sort(), [anon, withAccount].sort());
      const rowsOf = async (table: "identities" | "sessions" | "devices", ids: string[]) =>
        (await store.db.selectFrom(table).select("user_id").where("user_id", "in", ids).execute()).length;
      for (const id of [anon, withAccount]) assert.equal(await store.users.get("ret-app", id), undefined);
      assert.equal(await rowsOf("identities", [anon, withAccount]), 0);
      assert.equal(await rowsOf("sessions", [anon]), 0);
      assert.equal(await rowsOf("devices", [anon]), 0);
      assert.equal(await store.accounts.get(accountId), undefined);
      assert.ok(await store.users.get("ret-app", kept));
      assert.equal(await rowsOf("identities", [kept]), 1);
      assert.equal(await rowsOf("sessions", [kept]), 1);
      assert.equal(await rowsOf("devices", [kept]), 1);
      assert.deepEqual(await store.transaction((tx) => tx.users.deleteMany("other-app", [kept])), [], "another app's id deletes no user");
      assert.ok(await store.users.get("ret-app", kept));
      assert.equal(await rowsOf("identities", [kept]), 1);
      assert.equal(await rowsOf("sessions", [kept]), 1);
    });

    it("prunes a device when its last session ends, not before", async () => {
      const owner = await user(["anon-user"], clock.now());
      const now = clock.now();
      const session = (id: string, device: string, expiresAt: number) => sessionOf(owner, device, now, expiresAt, id);
      const device = newObjectId();
      await store.sessions.upsertDevice({ id: device, appId: "ret-app", userId: owner, info: {}, at: now });
      await store.sessions.create(session("s-short", device, now + 1000));
      await store.sessions.create(session("s-long", device, now + 10 * DAY));
      const housekeeping = new Housekeeping(store, clock, {
        rateLimitWindowMs: 60_000,
        anonymousUserInactiveMs: 90 * DAY,
        auditEventMs: 365 * DAY,
      });
      clock.advance(2000);
      assert.equal((await housekeeping.run()).devices, 0);
      assert.equal((await store.sessions.devicesOf(owner)).length, 1, "one session still uses it");
      await store.sessions.revoke("s-long", clock.now());
      const result = await housekeeping.run();
      assert.equal(result.devices, 1);
      assert.deepEqual(await store.sessions.devicesOf(owner), []);
    });
  });
}
