/**
 * realm-web@2.0.1 while Gatehouse's database refuses writes (SQLite `query_only`, SQLite's own
 * SQLITE_READONLY): what an app sees of a 503 `ServiceUnavailable`, and that nobody is logged out by it.
 */
import assert from "node:assert/strict";
import { sql } from "kysely";
import { after, before, test } from "node:test";
import * as Realm from "realm-web";
import { startTestServer, type TestServer } from "../../packages/server/test/helpers/server.js";
import { newApp, rejectsRealm, TODO_APP, uniqueEmail } from "./helpers.js";

let server: TestServer;
before(async () => {
  server = await startTestServer();
});
after(() => server.close());

const readOnly = (on: boolean) => sql.raw(`pragma query_only = ${on ? 1 : 0}`).execute(server.services.store.db);

test("a 503 reaches the app as MongoDBRealmError 503 ServiceUnavailable; the logged-in user stays logged in", async () => {
  const { app } = newApp(server, TODO_APP);
  const user = await app.logIn(Realm.Credentials.anonymous());
  await readOnly(true);
  try {
    const { app: other } = newApp(server, TODO_APP);
    const email = uniqueEmail("outage");
    await rejectsRealm(other.emailPasswordAuth.registerUser({ email, password: "secret1" }), {
      errorCode: "ServiceUnavailable",
      statusCode: 503,
      error: /read-only/,
    });
    await rejectsRealm(other.logIn(Realm.Credentials.anonymous()), { errorCode: "ServiceUnavailable", statusCode: 503 });
    // Reads still work: the profile of the logged-in user (refreshProfile sends the access token).
    await user.refreshProfile();
    // A refresh writes (its audit event): refused with 503, and realm-web keeps the tokens (only a 401 clears them).
    await rejectsRealm(user.refreshAccessToken(), { errorCode: "ServiceUnavailable", statusCode: 503 });
    assert.equal(app.currentUser?.id, user.id);
    assert.equal(user.isLoggedIn, true);
  } finally {
    await readOnly(false);
  }
  // Nothing was cleared by the 503s: the same user refreshes its token and is still current.
  await user.refreshAccessToken();
  assert.equal(app.currentUser?.id, user.id);
  assert.equal(user.isLoggedIn, true);
});
