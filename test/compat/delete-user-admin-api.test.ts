/**
 * realm-web@2.0.1 runs examples/delete-user's Admin API variant: `user.functions.deleteMyAccountViaAdminApi()`
 * calls a function that logs in to Gatehouse's Admin API with an operator key from secret values and
 * deletes the caller (`DELETE …/users/{id}`); realm-web's `removeUser()` then succeeds locally.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import * as Realm from "realm-web";
import { DELETE_USER_APP, startDeleteUserExample } from "../../packages/server/test/helpers/delete-user-example.js";
import type { TestServer } from "../../packages/server/test/helpers/server.js";
import { FUNCTION_LIMITS } from "../../packages/server/test/functions-http/helpers.js";
import { newApp, rejectsRealm, uniqueEmail } from "./helpers.js";

let server: TestServer;
before(async () => {
  server = await startDeleteUserExample({ functions: FUNCTION_LIMITS });
});
after(async () => {
  await server.close();
});

describe("examples/delete-user through the Admin API, from realm-web", () => {
  test("the function deletes the user; its tokens die; it cannot log in again", async () => {
    const { app } = newApp(server, DELETE_USER_APP);
    const email = uniqueEmail("admin-api");
    await app.emailPasswordAuth.registerUser({ email, password: "correct horse" });
    const user = await app.logIn(Realm.Credentials.emailPassword(email, "correct horse"));
    await user.functions.addNote("hello");

    const result = (await user.functions.deleteMyAccountViaAdminApi()) as { deletedUser: string; deletedNotes: number };
    assert.deepEqual(result, { deletedUser: user.id, deletedNotes: 1 });
    await rejectsRealm(user.functions.myNotes(), { errorCode: "InvalidSession", statusCode: 401 });
    assert.equal(user.isLoggedIn, false);
    await app.removeUser(user);
    await rejectsRealm(app.logIn(Realm.Credentials.emailPassword(email, "correct horse")), {
      errorCode: "InvalidPassword",
      statusCode: 401,
    });
  });

  test("an anonymous user deletes itself the same way", async () => {
    const { app } = newApp(server, DELETE_USER_APP);
    const user = await app.logIn(Realm.Credentials.anonymous());
    const result = (await user.functions.deleteMyAccountViaAdminApi()) as { deletedUser: string };
    assert.equal(result.deletedUser, user.id);
    const users = await server.services.admin.users.search(server.services.apps.get(DELETE_USER_APP)!, { id: user.id });
    assert.deepEqual(users, []);
  });
});
