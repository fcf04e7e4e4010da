/**
 * Authentication flows that run app functions: custom-function login (`Credentials.function`), a
 * confirmation function (`retryCustomConfirmation`) and a reset function with extra arguments
 * (`callResetPasswordFunction`). Skipped, with the reason, while the server has no functions route.
 */
import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import { Credentials, MongoDBRealmError } from "../../src/index.ts";
import { FUNCTIONS_APP, startGatehouse, uniqueEmail, type TestGatehouse } from "../helpers/server.ts";

describe("authentication by app functions", async () => {
  const gh: TestGatehouse = await startGatehouse({ apps: [FUNCTIONS_APP] });
  after(() => gh.close());

  it("logs in with Credentials.function: the payload (EJSON) goes to the app's function", async () => {
    const app = gh.app();
    const name = `ada-${Date.now()}`;
    const user = await app.logIn(Credentials.function({ username: name, pin: 1234 }));
    assert.equal(user.providerType, "custom-function");
    assert.deepEqual(
      user.identities.map((i) => [i.providerType, i.id]),
      [["custom-function", name]],
    );
    const again = await gh.app().logIn(Credentials.function({ username: name, pin: 1234 }));
    assert.equal(again.id, user.id, "the same external id is the same user");
    await assert.rejects(app.logIn(Credentials.function({ username: name, pin: 1 })), (err: unknown) => {
      assert.ok(err instanceof MongoDBRealmError);
      assert.equal(err.statusCode, 401);
      assert.match(err.error ?? "", /wrong pin/);
      return true;
    });
  });

  it("retryCustomConfirmation re-runs the confirmation function", async () => {
    const app = gh.app();
    const email = uniqueEmail("pending");
    await app.emailPasswordAuth.registerUser({ email, password: "secret123" });
    await assert.rejects(app.logIn(Credentials.emailPassword(email, "secret123")), { statusCode: 401, errorCode: "AuthError" });
    await app.emailPasswordAuth.retryCustomConfirmation({ email });
    await assert.rejects(app.logIn(Credentials.emailPassword(email, "secret123")), { errorCode: "AuthError" }, "still pending");
    const guest = await app.logIn(Credentials.anonymous());
    await guest.functions.approve(email);
    await app.emailPasswordAuth.retryCustomConfirmation({ email });
    await app.logIn(Credentials.emailPassword(email, "secret123"));
    await assert.rejects(app.emailPasswordAuth.retryCustomConfirmation({ email }), { statusCode: 400, errorCode: "UserAlreadyConfirmed" });
  });

  it("callResetPasswordFunction passes extra arguments to the reset function", async () => {
    const app = gh.app();
    const email = uniqueEmail();
    await app.emailPasswordAuth.registerUser({ email, password: "secret123" });
    await assert.rejects(
      app.emailPasswordAuth.callResetPasswordFunction({ email, password: "n3w-secret" }, "wrong answer"),
      (err: unknown) => err instanceof MongoDBRealmError && err.statusCode === 400,
    );
    await app.logIn(Credentials.emailPassword(email, "secret123"));
    await app.emailPasswordAuth.callResetPasswordFunction({ email, password: "n3w-secret" }, "42");
    await assert.rejects(app.logIn(Credentials.emailPassword(email, "secret123")), { errorCode: "InvalidPassword" });
    await app.logIn(Credentials.emailPassword(email, "n3w-secret"));
    await assert.rejects(app.emailPasswordAuth.callResetPasswordFunction({ email: uniqueEmail("nobody"), password: "n3w-secret" }, "42"), {
      statusCode: 404,
      errorCode: "UserNotFound",
    });
  });
});
