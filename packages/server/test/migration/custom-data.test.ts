/**
 * Custom user data brought over with the users: an Extended JSON export of the old collection lands in
 * the builtin collection the app reads, and the imported user's next access token carries it.
 */
import assert from "node:assert/strict";
import { Readable } from "node:stream";
import { after, before, test } from "node:test";
import bcrypt from "bcryptjs";
import { importCustomData } from "../../src/migration/custom-data.js";
import { UserImportService } from "../../src/migration/import-service.js";
import { readEntries } from "../../src/migration/reader.js";
import { APP, FUNCTION_LIMITS, functionsApp } from "../functions-http/helpers.js";
import { call, jwtClaims, startTestServer, type TestServer } from "../helpers/server.js";
import { ndjson, userpassUser } from "./fixtures.js";

let server: TestServer;
before(async () => {
  server = await startTestServer({ apps: [functionsApp], config: { functions: FUNCTION_LIMITS } });
});
after(() => server.close());

test("custom data documents keep _id and types, re-runs skip them, and the user's token carries its document", async () => {
  const hash = bcrypt.hashSync("data-pass", 4);
  const user = userpassUser("data@import.test", { password_hash: hash });
  await new UserImportService(server.services.store, server.clock).run(readEntries(Readable.from([ndjson([user])])), { appId: APP });
  // What mongoexport writes: relaxed Extended JSON, one document per line.
  const exported = [
    `{"_id":{"$oid":"65f0a1b2c3d4e5f6a7b8c9d0"},"user_id":"${user._id}","plan":"gold","seats":{"$numberInt":"3"},"since":{"$date":"2022-05-01T00:00:00Z"}}`,
    `{"_id":{"$oid":"65f0a1b2c3d4e5f6a7b8c9d1"},"user_id":"someone-else","plan":"free"}`,
    `{"user_id":"no-id"}`,
    "",
  ].join("\n");
  const target = { appId: APP, database: "app", collection: "users" };
  const counts = await importCustomData(server.services.store, readEntries(Readable.from([exported])), target);
  assert.deepEqual(counts, { read: 3, imported: 2, skipped: 0, conflicts: 0, errors: 1 });
  const again = await importCustomData(server.services.store, readEntries(Readable.from([exported])), target);
  assert.deepEqual([again.imported, again.skipped], [0, 2]);

  const login = await call(`${server.api}/app/${APP}/auth/providers/local-userpass/login`, {
    body: { username: "data@import.test", password: "data-pass" },
  });
  assert.equal(login.status, 200, login.text);
  assert.equal(login.body.user_id, user._id);
  const claim = jwtClaims(login.body.access_token as string).user_data as Record<string, unknown>;
  assert.equal(claim.plan, "gold");
  assert.deepEqual(claim._id, { $oid: "65f0a1b2c3d4e5f6a7b8c9d0" });
  // The claim is relaxed EJSON with canonical dates (docs/functions.md): the Int32 kept its value.
  assert.equal(claim.seats, 3);
  assert.deepEqual(claim.since, { $date: { $numberLong: String(Date.parse("2022-05-01T00:00:00Z")) } });
});
