/**
 * User API keys: create, list, fetch, disable, enable, delete — and logging in with a key. The routes
 * authenticate with the refresh token.
 */
import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import { Credentials, MongoDBRealmError, UserState } from "../../src/index.ts";
import { FUNCTIONS_APP, recordingFetch, startGatehouse, uniqueEmail, type TestGatehouse } from "../helpers/server.ts";

describe("API keys", async () => {
  const gh: TestGatehouse = await startGatehouse({ apps: [FUNCTIONS_APP] });
  after(() => gh.close());

  async function owner() {
    const app = gh.app();
    const email = uniqueEmail();
    await app.emailPasswordAuth.registerUser({ email, password: "secret123" });
    return app.logIn(Credentials.emailPassword(email, "secret123"));
  }

  it("creates, lists, fetches, disables, enables and deletes keys; logs in with one", async () => {
    const rec = recordingFetch();
    const user = await owner();
    const created = await user.apiKeys.create("ci-bot");
    assert.match(created._id, /^[0-9a-f]{24}$/);
    assert.equal(created.name, "ci-bot");
    assert.equal(created.disabled, false);
    assert.ok(created.key.length > 20, "the secret is returned once");

    const listed = await user.apiKeys.fetchAll();
    assert.deepEqual(
      listed.map((k) => [k._id, k.name, k.disabled, k.key]),
      [[created._id, "ci-bot", false, undefined]],
    );
    assert.equal((await user.apiKeys.fetch(created._id)).name, "ci-bot");

    const bot = await gh.app({ fetch: rec.fetch }).logIn(Credentials.apiKey(created.key));
    assert.equal(bot.id, user.id, "an API key logs in its owner");
    assert.ok(bot.identities.some((i) => i.providerType === "api-key"));

    await user.apiKeys.disable(created._id);
    assert.equal((await user.apiKeys.fetch(created._id)).disabled, true);
    await assert.rejects(gh.app().logIn(Credentials.apiKey(created.key)), { statusCode: 401, errorCode: "AuthError" });
    await user.apiKeys.enable(created._id);
    await gh.app().logIn(Credentials.apiKey(created.key));

    await user.apiKeys.delete(created._id);
    assert.deepEqual(await user.apiKeys.fetchAll(), []);
    await user.apiKeys.delete(created._id); // deleting an unknown id succeeds, as in App Services
    await assert.rejects(gh.app().logIn(Credentials.apiKey(created.key)), { statusCode: 401 });
  });

  it("uses the refresh token: a revoked session ends on an API-key call", async () => {
    const user = await owner();
    await gh.server.admin.logoutUser(FUNCTIONS_APP.id, user.id);
    await assert.rejects(user.apiKeys.fetchAll(), (err: unknown) => err instanceof MongoDBRealmError && err.statusCode === 401);
    assert.equal(user.state, UserState.LoggedOut);
  });
});
