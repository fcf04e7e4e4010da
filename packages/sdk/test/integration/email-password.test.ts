/**
 * Email/password accounts end to end: register, confirm from the mailed link, resend, reset by mail —
 * with a real SMTP catcher — and the server's error codes for each way it can go wrong.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { Credentials, MongoDBRealmError } from "../../src/index.ts";
import { MailCatcher, linkTokens } from "../helpers/mail.ts";
import { MAIL_APP, recordingFetch, startGatehouse, uniqueEmail, type TestGatehouse } from "../helpers/server.ts";

function serverError(statusCode: number, errorCode: string) {
  return (err: unknown) => {
    assert.ok(err instanceof MongoDBRealmError, String(err));
    assert.equal(err.statusCode, statusCode);
    assert.equal(err.errorCode, errorCode);
    return true;
  };
}

describe("email/password accounts", () => {
  let gh: TestGatehouse;
  let mail: MailCatcher;
  before(async () => {
    mail = await new MailCatcher().start();
    gh = await startGatehouse({ apps: [MAIL_APP], config: { smtp: mail.settings } });
  });
  after(async () => {
    await gh.close();
    await mail.stop();
  });

  it("registers, refuses login until confirmed, confirms from the mailed link", async () => {
    const app = gh.app();
    const email = uniqueEmail();
    await app.emailPasswordAuth.registerUser({ email, password: "secret123" });
    await assert.rejects(app.logIn(Credentials.emailPassword(email, "secret123")), serverError(401, "AuthError"));
    await app.emailPasswordAuth.confirmUser(linkTokens(await mail.waitForNth(email)));
    const user = await app.logIn(Credentials.emailPassword(email, "secret123"));
    assert.equal(user.profile.email, email);
    assert.equal((await gh.countEvents("confirm", undefined, MAIL_APP.id)) >= 1, true);
  });

  it("resends the confirmation email; the new link confirms", async () => {
    const app = gh.app();
    const email = uniqueEmail();
    await app.emailPasswordAuth.registerUser({ email, password: "secret123" });
    await mail.waitForNth(email, 1);
    await app.emailPasswordAuth.resendConfirmationEmail({ email });
    await app.emailPasswordAuth.confirmUser(linkTokens(await mail.waitForNth(email, 2)));
    await app.logIn(Credentials.emailPassword(email, "secret123"));
    await assert.rejects(app.emailPasswordAuth.resendConfirmationEmail({ email }), serverError(400, "UserAlreadyConfirmed"));
  });

  it("resets a password from the mailed link", async () => {
    const app = gh.app();
    const email = uniqueEmail();
    await app.emailPasswordAuth.registerUser({ email, password: "secret123" });
    await app.emailPasswordAuth.confirmUser(linkTokens(await mail.waitForNth(email, 1)));
    await app.emailPasswordAuth.sendResetPasswordEmail({ email });
    await app.emailPasswordAuth.resetPassword({ ...linkTokens(await mail.waitForNth(email, 2)), password: "n3w-secret" });
    await assert.rejects(app.logIn(Credentials.emailPassword(email, "secret123")), serverError(401, "InvalidPassword"));
    await app.logIn(Credentials.emailPassword(email, "n3w-secret"));
  });

  it("reports each failure with the server's code and status", async () => {
    const app = gh.app();
    const email = uniqueEmail();
    await app.emailPasswordAuth.registerUser({ email, password: "secret123" });
    await assert.rejects(app.emailPasswordAuth.registerUser({ email, password: "secret123" }), serverError(409, "AccountNameInUse"));
    await assert.rejects(app.emailPasswordAuth.registerUser({ email: uniqueEmail(), password: "short" }), serverError(400, "BadRequest"));
    await assert.rejects(app.emailPasswordAuth.confirmUser({ token: "bogus", tokenId: "bogus" }), serverError(400, "BadRequest"));
    await assert.rejects(
      app.emailPasswordAuth.resetPassword({ token: "bogus", tokenId: "bogus", password: "whatever1" }),
      serverError(400, "BadRequest"),
    );
    await assert.rejects(app.emailPasswordAuth.resendConfirmationEmail({ email: uniqueEmail("nobody") }), serverError(404, "UserNotFound"));
  });

  it("sends no user token on these public routes, even with a user logged in", async () => {
    const rec = recordingFetch();
    const app = gh.app({ fetch: rec.fetch });
    await app.logIn(Credentials.anonymous());
    await app.emailPasswordAuth.registerUser({ email: uniqueEmail(), password: "secret123" });
    const register = rec.requests.find((r) => r.path.endsWith("/register"));
    assert.equal(register?.status, 201);
    assert.equal(register?.authorization, null);
  });

  it("an app without confirmation/reset functions refuses confirm/call and reset/call with 400", async () => {
    // The flows with functions are in function-auth.test.ts.
    const app = gh.app();
    const email = uniqueEmail();
    await app.emailPasswordAuth.registerUser({ email, password: "secret123" });
    await assert.rejects(app.emailPasswordAuth.retryCustomConfirmation({ email }), serverError(400, "BadRequest"));
    await assert.rejects(
      app.emailPasswordAuth.callResetPasswordFunction({ email, password: "n3w-secret" }, "extra", 2),
      serverError(400, "BadRequest"),
    );
  });
});
