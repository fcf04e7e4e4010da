/**
 * realm-web@2.0.1 user API keys against a listening Gatehouse: `user.apiKeys` (refresh-token routes)
 * and `Credentials.apiKey` login.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import * as Realm from "realm-web";
import { keysApp, startTestServer, type TestServer } from "../../packages/server/test/helpers/server.js";
import { HEX24, jwtPayload, newApp, rejectsRealm, uniqueEmail } from "./helpers.js";

const KEYS_APP = "keys-app";
let server: TestServer;
before(async () => {
  server = await startTestServer({ apps: [keysApp] });
});
after(() => server.close());

async function owner(app: Realm.App): Promise<Realm.User> {
  const email = uniqueEmail("keys");
  await app.emailPasswordAuth.registerUser({ email, password: "secret1" });
  return app.logIn(Realm.Credentials.emailPassword(email, "secret1"));
}

test("create, fetch, fetchAll, disable, enable, delete, and log in with a key", async () => {
  const { app, requests } = newApp(server, KEYS_APP);
  const user = await owner(app);
  const created = await user.apiKeys.create("laptop");
  assert.match(String(created._id), HEX24);
  assert.equal(created.name, "laptop");
  assert.equal(created.disabled, false);
  assert.equal(typeof created.key, "string");
  const createRequest = requests.find((r) => r.method === "POST" && r.path.endsWith("/auth/api_keys"))!;
  assert.equal(jwtPayload(createRequest.token!).typ, "refresh", "API-key routes use the refresh token");
  const fetched = await user.apiKeys.fetch(created._id);
  assert.deepEqual({ ...fetched }, { _id: created._id, name: "laptop", disabled: false });
  assert.equal((await user.apiKeys.fetchAll()).length, 1);

  const { app: device } = newApp(server, KEYS_APP);
  const viaKey = await device.logIn(Realm.Credentials.apiKey(created.key));
  assert.equal(viaKey.id, user.id);
  assert.ok(viaKey.identities.some((i) => i.providerType === "api-key"));

  await user.apiKeys.disable(created._id);
  assert.equal((await user.apiKeys.fetch(created._id)).disabled, true);
  await rejectsRealm(newApp(server, KEYS_APP).app.logIn(Realm.Credentials.apiKey(created.key)), {
    errorCode: "AuthError",
    statusCode: 401,
    error: "invalid API key",
  });
  await user.apiKeys.enable(created._id);
  await user.apiKeys.delete(created._id);
  assert.deepEqual(await user.apiKeys.fetchAll(), []);
  await user.apiKeys.delete(created._id); // a second delete is a silent success
});

test("errors as realm-web surfaces them: bad name, duplicate, unknown key", async () => {
  const { app } = newApp(server, KEYS_APP);
  const user = await owner(app);
  await rejectsRealm(user.apiKeys.create("no spaces allowed"), { errorCode: "InvalidParameter", statusCode: 400 });
  await user.apiKeys.create("dup");
  await rejectsRealm(user.apiKeys.create("dup"), { errorCode: "APIKeyAlreadyExists", statusCode: 409 });
  await rejectsRealm(user.apiKeys.fetch("65f0000000000000000000ff"), { errorCode: "APIKeyNotFound", statusCode: 404 });
  assert.equal(user.isLoggedIn, true, "4xx answers on refresh-token routes do not log the user out");
});
