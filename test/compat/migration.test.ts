/**
 * realm-web@2.0.1 against users brought over from another system: each imported user logs in with its
 * old password and keeps its id, the foreign hash is replaced by argon2id, and an account imported
 * without a hash gets the documented PasswordResetRequired error and completes a reset.
 */
import assert from "node:assert/strict";
import { Readable } from "node:stream";
import { describe, test } from "node:test";
import * as Realm from "realm-web";
import { UserImportService } from "../../packages/server/src/migration/import-service.js";
import { readEntries } from "../../packages/server/src/migration/reader.js";
import { call } from "../../packages/server/test/helpers/server.js";
import { useMailServer } from "../../packages/server/test/helpers/mail-server.js";
import { linkTokens } from "../../packages/server/test/helpers/smtp.js";
import { FIREBASE_VECTOR, foreignHashes, ndjson, userpassUser } from "../../packages/server/test/migration/fixtures.js";
import { newObjectId } from "../../packages/server/src/ids.js";
import { IsolatedStorage, TODO_APP, newApp, rejectsRealm } from "./helpers.js";

const ctx = useMailServer();

const importText = (text: string) =>
  new UserImportService(ctx.server.services.store, ctx.server.clock).run(readEntries(Readable.from([text])), {
    appId: TODO_APP,
    firebase: FIREBASE_VECTOR.params,
  });

const storedHash = async (email: string) => (await ctx.server.services.store.accounts.findByEmailKey(TODO_APP, email))!.passwordHash;

describe("imported users log in through realm-web", () => {
  test("every foreign hash format: same password, same user id, rehashed to argon2id", async () => {
    const hashes = await foreignHashes();
    const records = hashes.map(({ name, hash }) => userpassUser(`${name}@import.test`, { password_hash: hash, data: { name } }));
    const report = await importText(ndjson(records));
    assert.deepEqual(report, { read: hashes.length, imported: hashes.length, skipped: 0, conflicts: 0, errors: 0 });

    for (const [index, { name, password }] of hashes.entries()) {
      const email = `${name}@import.test`;
      const before = await storedHash(email);
      assert.ok(!before.startsWith("$argon2id$v=19$m=19456,t=2,p=1$"), `${name} starts foreign`);
      const { app } = newApp(ctx.server, TODO_APP);
      await rejectsRealm(app.logIn(Realm.Credentials.emailPassword(email, `${password}-wrong`)), {
        errorCode: "InvalidPassword",
        statusCode: 401,
      });
      const user = await app.logIn(Realm.Credentials.emailPassword(email, password));
      assert.equal(user.id, records[index]!._id, `${name} keeps its id`);
      assert.equal(user.profile.email, email);
      assert.equal(user.profile.name, name);
      const after = await storedHash(email);
      assert.match(after, /^\$argon2id\$v=19\$m=19456,t=2,p=1\$/, `${name} is rehashed`);
      // The new hash takes the same password; the old one is gone.
      await user.logOut();
      const again = await app.logIn(Realm.Credentials.emailPassword(email, password));
      assert.equal(again.id, user.id);
      assert.equal(await storedHash(email), after);
    }
  });

  test("an account imported without a hash is told to reset, and the reset keeps its id", async () => {
    const email = "no-hash@import.test";
    const record = userpassUser(email);
    assert.equal((await importText(ndjson([record]))).imported, 1);
    const { app } = newApp(ctx.server, TODO_APP);
    await rejectsRealm(app.logIn(Realm.Credentials.emailPassword(email, "anything-at-all")), {
      errorCode: "PasswordResetRequired",
      statusCode: 401,
      error: /password not set.*reset the password/,
    });
    // The body names the catalogue entry too (realm-web shows code and message only).
    const raw = await call(`${ctx.server.api}/app/${TODO_APP}/auth/providers/local-userpass/login`, {
      body: { username: email, password: "anything-at-all" },
    });
    assert.deepEqual([raw.status, raw.body.error_code, raw.body.reason], [401, "PasswordResetRequired", "passwordNotSet"]);
    const failed = await ctx.server.listAuditEvents({ clientAppId: TODO_APP, type: "login" });
    assert.ok(failed.some((e) => e.result === "passwordNotSet"));

    const since = ctx.mail.messages.length;
    await app.emailPasswordAuth.sendResetPasswordEmail({ email });
    const { token, tokenId } = linkTokens(await ctx.mail.waitFor(email, since));
    await app.emailPasswordAuth.resetPassword({ token, tokenId, password: "brand-new-pass" });
    const user = await app.logIn(Realm.Credentials.emailPassword(email, "brand-new-pass"));
    assert.equal(user.id, record._id);
    assert.equal(user.identities[0]!.id, (record.identities as { id: string }[])[0]!.id);
  });

  test("a disabled imported user cannot log in", async () => {
    const hashes = await foreignHashes();
    const bcrypt = hashes.find((h) => h.name === "bcrypt-2b")!;
    const email = "disabled@import.test";
    await importText(ndjson([userpassUser(email, { password_hash: bcrypt.hash, disabled: true })]));
    const { app } = newApp(ctx.server, TODO_APP);
    await rejectsRealm(app.logIn(Realm.Credentials.emailPassword(email, bcrypt.password)), { errorCode: "UserDisabled", statusCode: 401 });
  });

  test("an imported anonymous user is found again by the device id its client kept, once", async () => {
    const deviceId = newObjectId();
    const anon = {
      _id: newObjectId(),
      identities: [{ id: newObjectId(), provider_type: "anon-user", provider_id: "x", provider_data: {} }],
      data: {},
      type: "normal",
      creation_date: 1600000000,
      devices: [{ _id: deviceId, platform: "chrome" }],
    };
    assert.equal((await importText(ndjson([anon]))).imported, 1);
    // A browser that used App Services: realm-web kept the device id the old server gave it.
    const migratedClient = () => {
      const storage = new IsolatedStorage();
      storage.set(`app(${TODO_APP}):deviceId`, deviceId);
      return new Realm.App({ id: TODO_APP, baseUrl: ctx.server.url, storage });
    };
    const user = await migratedClient().logIn(Realm.Credentials.anonymous());
    assert.equal(user.id, anon._id);
    // Devices belong to sessions: the claiming login gets a device id of this server.
    assert.ok(user.deviceId && user.deviceId !== deviceId);
    assert.deepEqual(
      user.identities.map((i) => [i.providerType, i.id]),
      [["anon-user", anon.identities[0]!.id]],
    );
    // The claim is single-use: the same device id later is an ordinary anonymous login, a new user.
    const later = await migratedClient().logIn(Realm.Credentials.anonymous());
    assert.notEqual(later.id, anon._id);
  });
});
