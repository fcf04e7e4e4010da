/**
 * @gatehouse/sdk runs examples/delete-user's Admin API variant: the function logs in to the server's own
 * Admin API with the operator key in its secret values and deletes the calling user.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { DELETE_USER_APP, startDeleteUserExample } from "../../../server/test/helpers/delete-user-example.ts";
import type { TestServer } from "../../../server/test/helpers/server.ts";
import { App, Credentials, MemoryStorage, MongoDBRealmError, UserState } from "../../src/index.ts";
import { uniqueEmail } from "../helpers/server.ts";

describe("examples/delete-user through the Admin API, from @gatehouse/sdk", () => {
  let server: TestServer;
  before(async () => {
    server = await startDeleteUserExample({ functions: { timeLimitMs: 5000 } });
  });
  after(() => server.close());

  it("deletes the caller: the next call fails with InvalidSession and the user is logged out", async () => {
    const app = new App({ id: DELETE_USER_APP, baseUrl: server.url, storage: new MemoryStorage(), clock: server.clock });
    const email = uniqueEmail("admin-api");
    await app.emailPasswordAuth.registerUser({ email, password: "correct horse" });
    const user = await app.logIn(Credentials.emailPassword(email, "correct horse"));
    await user.functions.addNote("from the sdk");

    const result = (await user.functions.deleteMyAccountViaAdminApi()) as { deletedUser: string; deletedNotes: number };
    assert.deepEqual(result, { deletedUser: user.id, deletedNotes: 1 });

    await assert.rejects(user.functions.myNotes(), (error: unknown) => {
      assert.ok(error instanceof MongoDBRealmError);
      assert.equal(error.errorCode, "InvalidSession");
      return true;
    });
    assert.equal(user.state, UserState.LoggedOut);
    await assert.rejects(app.logIn(Credentials.emailPassword(email, "correct horse")), (error: unknown) => {
      assert.ok(error instanceof MongoDBRealmError);
      assert.equal(error.errorCode, "InvalidPassword");
      return true;
    });
  });
});
