/**
 * Export → import into an empty database gives the same users, identities and logins, on SQLite and on
 * PostgreSQL (CI sets GATEHOUSE_TEST_POSTGRES_URL), and across engines.
 */
import assert from "node:assert/strict";
import { Readable } from "node:stream";
import { after, describe, test } from "node:test";
import * as Realm from "realm-web";
import { exportUsers } from "../../packages/server/src/migration/export-service.js";
import { UserImportService } from "../../packages/server/src/migration/import-service.js";
import { readEntries } from "../../packages/server/src/migration/reader.js";
import { freshPostgresSchema } from "../../packages/server/test/helpers/postgres.js";
import { requirement } from "../support/requirements.mjs";
import { keysApp, startTestServer, type TestServer } from "../../packages/server/test/helpers/server.js";
import { foreignHashes, ndjson, userpassUser } from "../../packages/server/test/migration/fixtures.js";
import { newObjectId } from "../../packages/server/src/ids.js";
import { IsolatedStorage, newApp } from "./helpers.js";

const APP = "keys-app";
const cleanups: (() => Promise<void>)[] = [];
after(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

async function serverOn(engine: "sqlite" | "postgres"): Promise<TestServer> {
  let db: string | undefined;
  if (engine === "postgres") {
    const schema = await freshPostgresSchema();
    cleanups.push(schema.drop);
    db = schema.url;
  }
  const server = await startTestServer({ apps: [keysApp], ...(db ? { db } : {}) });
  cleanups.push(() => server.close());
  return server;
}

async function exportAll(server: TestServer): Promise<Record<string, unknown>[]> {
  const out: Record<string, unknown>[] = [];
  for await (const user of exportUsers(server.services.store, { appId: APP, withHashes: true, pageSize: 3 })) out.push(user);
  return out;
}

const importInto = (server: TestServer, text: string) =>
  new UserImportService(server.services.store, server.clock).run(readEntries(Readable.from([text])), { appId: APP });

const pairs: ["sqlite" | "postgres", "sqlite" | "postgres"][] = [
  ["sqlite", "sqlite"],
  ["postgres", "postgres"],
  ["sqlite", "postgres"],
];

describe("export → import round trip", () => {
  for (const [from, to] of pairs) {
    const skip = (from === "postgres" || to === "postgres") && requirement("postgres");
    test(`${from} → ${to}: same users, identities and logins`, { skip }, async () => {
      const source = await serverOn(from);
      const hashes = await foreignHashes();
      const bcrypt = hashes.find((h) => h.name === "bcrypt-2b")!;
      const scrypt = hashes.find((h) => h.name === "scrypt")!;
      const rehashed = userpassUser("rehashed@trip.test", { password_hash: bcrypt.hash });
      const foreign = userpassUser("foreign@trip.test", { password_hash: scrypt.hash });
      const hashless = userpassUser("hashless@trip.test");
      const deviceId = newObjectId();
      const anon = {
        _id: newObjectId(),
        identities: [{ id: newObjectId(), provider_type: "anon-user" }],
        creation_date: 1600000000,
        devices: [deviceId],
      };
      assert.equal((await importInto(source, ndjson([rehashed, foreign, hashless, anon]))).imported, 4);

      // A user made on the source server itself, with an API key.
      const { app } = newApp(source, APP);
      await app.emailPasswordAuth.registerUser({ email: "native@trip.test", password: "native-pass" });
      const native = await app.logIn(Realm.Credentials.emailPassword("native@trip.test", "native-pass"));
      const key = await native.apiKeys.create("laptop");
      await native.logOut();
      // Registered, never logged in: an account without a user yet.
      await app.emailPasswordAuth.registerUser({ email: "idle@trip.test", password: "idle-pass" });
      assert.equal((await app.logIn(Realm.Credentials.emailPassword("rehashed@trip.test", bcrypt.password))).id, rehashed._id);

      const exported = await exportAll(source);
      assert.equal(exported.length, 6);
      const target = await serverOn(to);
      const report = await importInto(target, ndjson(exported));
      assert.deepEqual(report, { read: 6, imported: 6, skipped: 0, conflicts: 0, errors: 0 });
      const byId = (list: Record<string, unknown>[]) => [...list].sort((a, b) => String(a._id).localeCompare(String(b._id)));
      assert.deepEqual(byId(await exportAll(target)), byId(exported));
      for (const user of exported) {
        const a = await source.services.store.users.get(APP, user._id as string);
        if (!a) continue; // the idle account, which has no user on the source yet
        const b = (await target.services.store.users.get(APP, user._id as string))!;
        assert.deepEqual(
          { ...b, identities: b.identities.map(({ createdAt: _c, ...i }) => i) },
          {
            ...a,
            identities: a.identities.map(({ createdAt: _c, ...i }) => i),
            createdAt: Math.floor(a.createdAt / 1000) * 1000,
            lastLoginAt: a.lastLoginAt === null ? null : Math.floor(a.lastLoginAt / 1000) * 1000,
            sessionsValidSince: b.sessionsValidSince,
          },
        );
      }

      const { app: there } = newApp(target, APP);
      assert.equal((await there.logIn(Realm.Credentials.emailPassword("rehashed@trip.test", bcrypt.password))).id, rehashed._id);
      assert.equal((await there.logIn(Realm.Credentials.emailPassword("foreign@trip.test", scrypt.password))).id, foreign._id);
      assert.equal((await there.logIn(Realm.Credentials.emailPassword("native@trip.test", "native-pass"))).id, native.id);
      assert.equal((await there.logIn(Realm.Credentials.apiKey(key.key))).id, native.id);
      await there.logIn(Realm.Credentials.emailPassword("idle@trip.test", "idle-pass"));
      // The anonymous user travels with its device: a migrated client finds it on the target.
      const storage = new IsolatedStorage();
      storage.set(`app(${APP}):deviceId`, deviceId);
      const anonymous = await new Realm.App({ id: APP, baseUrl: target.url, storage }).logIn(Realm.Credentials.anonymous());
      assert.equal(anonymous.id, anon._id);
      const refused = await there
        .logIn(Realm.Credentials.emailPassword("hashless@trip.test", "whatever"))
        .catch((e: Realm.MongoDBRealmError) => e);
      assert.equal((refused as Realm.MongoDBRealmError).errorCode, "PasswordResetRequired");
    });
  }
});
