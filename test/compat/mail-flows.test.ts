/**
 * realm-web@2.0.1 email confirmation and password reset through a real SMTP server (confirm app:
 * local-userpass with confirmation and reset by mail).
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import * as Realm from "realm-web";
import { confirmApp } from "../../packages/server/test/helpers/server.js";
import { useMailServer } from "../../packages/server/test/helpers/mail-server.js";
import { linkTokens } from "../../packages/server/test/helpers/smtp.js";
import { CONFIRM_APP, HEX24, newApp, rawCall, rejectsRealm, uniqueEmail } from "./helpers.js";

const ctx = useMailServer({ apps: [confirmApp] });

/** Registers and confirms an account through the mailed link. */
async function registerConfirmed(app: Realm.App, email: string, password: string): Promise<void> {
  const since = ctx.mail.messages.length;
  await app.emailPasswordAuth.registerUser({ email, password });
  const { token, tokenId } = linkTokens(await ctx.mail.waitFor(email, since));
  await app.emailPasswordAuth.confirmUser({ token, tokenId });
}

describe("email confirmation", () => {
  test("register → login refused (confirmation required) → confirm with the mailed link → login works", async () => {
    const { app } = newApp(ctx.server, CONFIRM_APP);
    const email = uniqueEmail("confirm");
    const since = ctx.mail.messages.length;
    await app.emailPasswordAuth.registerUser({ email, password: "password1" });

    await rejectsRealm(app.logIn(Realm.Credentials.emailPassword(email, "password1")), {
      errorCode: "AuthError",
      statusCode: 401,
      error: /confirmation required/,
    });
    assert.equal(app.currentUser, null);

    const message = await ctx.mail.waitFor(email, since);
    assert.deepEqual(message.to, [email]);
    assert.equal(message.from, "noreply@gatehouse.test");
    assert.match(message.raw, /^Subject: Confirm your Confirm-App account$/m);
    const { token, tokenId, url } = linkTokens(message);
    assert.equal(`${url.origin}${url.pathname}`, "http://localhost:3000/confirm");
    assert.match(tokenId, HEX24);

    await app.emailPasswordAuth.confirmUser({ token, tokenId });
    const user = await app.logIn(Realm.Credentials.emailPassword(email, "password1"));
    assert.match(user.id, HEX24);
    assert.deepEqual(user.profile, { email });
    assert.equal(user.providerType, "local-userpass");

    // The token pair is single-use, and a confirmed account has nothing left to confirm.
    await rejectsRealm(app.emailPasswordAuth.confirmUser({ token, tokenId }), {
      errorCode: "BadRequest",
      statusCode: 400,
      error: "invalid token data",
    });
    await rejectsRealm(app.emailPasswordAuth.resendConfirmationEmail({ email }), {
      errorCode: "UserAlreadyConfirmed",
      statusCode: 400,
      error: "already confirmed",
    });
    const confirms = await ctx.server.listAuditEvents({ clientAppId: CONFIRM_APP, type: "confirm" });
    assert.ok(confirms.length >= 1);
  });

  test("resendConfirmationEmail mails a new link that confirms the account", async () => {
    const { app } = newApp(ctx.server, CONFIRM_APP);
    const email = uniqueEmail("resend");
    let since = ctx.mail.messages.length;
    await app.emailPasswordAuth.registerUser({ email, password: "password1" });
    const first = linkTokens(await ctx.mail.waitFor(email, since));

    since = ctx.mail.messages.length;
    await app.emailPasswordAuth.resendConfirmationEmail({ email });
    const second = linkTokens(await ctx.mail.waitFor(email, since));
    assert.notEqual(second.tokenId, first.tokenId);
    assert.notEqual(second.token, first.token);

    // A token paired with another token's id is refused.
    await rejectsRealm(app.emailPasswordAuth.confirmUser({ token: first.token, tokenId: second.tokenId }), {
      errorCode: "BadRequest",
      statusCode: 400,
    });
    await rejectsRealm(app.logIn(Realm.Credentials.emailPassword(email, "password1")), { errorCode: "AuthError", statusCode: 401 });
    await app.emailPasswordAuth.confirmUser({ token: second.token, tokenId: second.tokenId });
    const user = await app.logIn(Realm.Credentials.emailPassword(email, "password1"));
    assert.deepEqual(user.profile, { email });
  });

  test("confirmation links expire after 30 minutes", async () => {
    const { app } = newApp(ctx.server, CONFIRM_APP);
    const email = uniqueEmail("expire");
    const since = ctx.mail.messages.length;
    await app.emailPasswordAuth.registerUser({ email, password: "password1" });
    const { token, tokenId } = linkTokens(await ctx.mail.waitFor(email, since));
    ctx.server.clock.advance(31 * 60 * 1000);
    await rejectsRealm(app.emailPasswordAuth.confirmUser({ token, tokenId }), {
      errorCode: "BadRequest",
      statusCode: 400,
      error: "invalid token data",
    });
  });
});

describe("password reset", () => {
  test("sendResetPasswordEmail → resetPassword with the mailed link → old password refused, new one works", async () => {
    const { app, requests } = newApp(ctx.server, CONFIRM_APP);
    const email = uniqueEmail("reset");
    await registerConfirmed(app, email, "old-password");
    const user = await app.logIn(Realm.Credentials.emailPassword(email, "old-password"));
    const oldRefresh = user.refreshToken!;

    const since = ctx.mail.messages.length;
    await app.emailPasswordAuth.sendResetPasswordEmail({ email });
    const message = await ctx.mail.waitFor(email, since);
    assert.match(message.raw, /^Subject: Reset your Confirm-App password$/m);
    const { token, tokenId, url } = linkTokens(message);
    assert.equal(`${url.origin}${url.pathname}`, "http://localhost:3000/reset");
    assert.equal(url.searchParams.get("lang"), "en", "the configured query string is kept");

    await rejectsRealm(app.emailPasswordAuth.resetPassword({ token, tokenId, password: "short" }), {
      errorCode: "BadRequest",
      statusCode: 400,
      error: "password must be between 6 and 128 characters",
    });
    await app.emailPasswordAuth.resetPassword({ token, tokenId, password: "new-password" });
    const reset = requests.filter((r) => r.path.endsWith("/local-userpass/reset")).at(-1)!;
    assert.equal(reset.status, 204);
    assert.equal(reset.contentType, null);
    assert.equal(reset.token, user.accessToken, "realm-web sends the current user's token on the public route");

    await rejectsRealm(app.logIn(Realm.Credentials.emailPassword(email, "old-password")), {
      errorCode: "InvalidPassword",
      statusCode: 401,
    });
    // Gatehouse ends every session of the account on reset.
    const refused = await rawCall(ctx.server, "POST", "/auth/session", oldRefresh);
    assert.equal(refused.status, 401);
    assert.equal(refused.body.error_code, "InvalidSession");

    const again = await app.logIn(Realm.Credentials.emailPassword(email, "new-password"));
    assert.equal(again.id, user.id, "same user after the reset");
    await again.refreshProfile();

    await rejectsRealm(app.emailPasswordAuth.resetPassword({ token, tokenId, password: "third-password" }), {
      errorCode: "BadRequest",
      statusCode: 400,
      error: "invalid token data",
    });
  });

  test("a confirmation token is not a reset token", async () => {
    const { app } = newApp(ctx.server, CONFIRM_APP);
    const email = uniqueEmail("purpose");
    const since = ctx.mail.messages.length;
    await app.emailPasswordAuth.registerUser({ email, password: "password1" });
    const { token, tokenId } = linkTokens(await ctx.mail.waitFor(email, since));
    await rejectsRealm(app.emailPasswordAuth.resetPassword({ token, tokenId, password: "password2" }), {
      errorCode: "BadRequest",
      statusCode: 400,
      error: "invalid token data",
    });
    // ...and it still confirms.
    await app.emailPasswordAuth.confirmUser({ token, tokenId });
    await app.logIn(Realm.Credentials.emailPassword(email, "password1"));
  });
});
