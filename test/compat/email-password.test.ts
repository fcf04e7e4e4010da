/**
 * realm-web@2.0.1 email/password against Gatehouse: register with auto-confirm (todo app), and the
 * error codes realm-web surfaces as `MongoDBRealmError`.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import * as Realm from "realm-web";
import { useMailServer } from "../../packages/server/test/helpers/mail-server.js";
import { HEX24, TODO_APP, newApp, rejectsRealm, uniqueEmail } from "./helpers.js";

// A server that can mail: without SMTP the mail routes answer mailNotConfigured for every address.
const ctx = useMailServer();

describe("register + auto-confirm (todo app)", () => {
  test("registerUser then logIn gives a local-userpass user with the email in its profile", async () => {
    const { app, requests } = newApp(ctx.server, TODO_APP);
    const email = uniqueEmail("reg");
    await app.emailPasswordAuth.registerUser({ email, password: "s3cret-pw" });
    const register = requests.find((r) => r.path.endsWith("/local-userpass/register"))!;
    assert.equal(register.status, 201);
    assert.equal(register.contentType, null, "an empty success carries no content type (PROTOCOL.md §1.2)");
    assert.equal(register.token, undefined, "no user yet, so no bearer");

    const user = await app.logIn(Realm.Credentials.emailPassword(email, "s3cret-pw"));
    assert.match(user.id, HEX24);
    assert.equal(user.providerType, "local-userpass");
    assert.deepEqual(user.profile, { email });
    assert.equal(user.identities.length, 1);
    assert.equal(user.identities[0]!.providerType, "local-userpass");
    assert.deepEqual(user.customData, {});
    assert.equal(app.currentUser, user);

    // A second login of the same account is the same user, updated in place in realm-web.
    const again = await app.logIn(Realm.Credentials.emailPassword(email, "s3cret-pw"));
    assert.equal(again, user);
    assert.deepEqual(Object.keys(app.allUsers), [user.id]);
    const logins = await ctx.server.listAuditEvents({ clientAppId: TODO_APP, type: "login", userId: user.id });
    assert.equal(logins.length, 2);
  });

  test("public routes ignore the expired access token realm-web attaches to them", async () => {
    const { app, requests } = newApp(ctx.server, TODO_APP);
    const anon = await app.logIn(Realm.Credentials.anonymous());
    const stale = anon.accessToken!;
    ctx.server.clock.advance(31 * 60 * 1000);
    const from = requests.length;
    const email = uniqueEmail("stale");
    await app.emailPasswordAuth.registerUser({ email, password: "password1" });
    await rejectsRealm(app.emailPasswordAuth.sendResetPasswordEmail({ email: uniqueEmail("ghost") }), {
      errorCode: "UserNotFound",
      statusCode: 404,
    });
    assert.deepEqual(
      requests.slice(from).map((r) => `${r.path.split("/").slice(-2).join("/")} ${r.status}`),
      ["local-userpass/register 201", "reset/send 404"],
      "no 401, so no refresh",
    );
    assert.ok(requests.slice(from).every((r) => r.token === stale));
  });

  test("emails are compared exactly: another case is another account", async () => {
    const { app } = newApp(ctx.server, TODO_APP);
    const email = uniqueEmail("Case");
    await app.emailPasswordAuth.registerUser({ email, password: "password1" });
    await rejectsRealm(app.logIn(Realm.Credentials.emailPassword(email.toLowerCase(), "password1")), {
      errorCode: "InvalidPassword",
      statusCode: 401,
    });
  });
});

describe("error codes as realm-web surfaces them", () => {
  test("AccountNameInUse (409) on a duplicate register", async () => {
    const { app } = newApp(ctx.server, TODO_APP);
    const email = uniqueEmail("dup");
    await app.emailPasswordAuth.registerUser({ email, password: "password1" });
    const error = await rejectsRealm(app.emailPasswordAuth.registerUser({ email, password: "password2" }), {
      errorCode: "AccountNameInUse",
      statusCode: 409,
      error: "name already in use",
    });
    assert.match(error.message, /name already in use/);
  });

  test("InvalidPassword (401) for a wrong password and for an unknown user, without a refresh attempt", async () => {
    const { app, requests } = newApp(ctx.server, TODO_APP);
    const email = uniqueEmail("wrongpw");
    await app.emailPasswordAuth.registerUser({ email, password: "password1" });
    await rejectsRealm(app.logIn(Realm.Credentials.emailPassword(email, "password2")), {
      errorCode: "InvalidPassword",
      statusCode: 401,
      error: "unauthorized",
    });
    await rejectsRealm(app.logIn(Realm.Credentials.emailPassword(uniqueEmail("nobody"), "password1")), {
      errorCode: "InvalidPassword",
      statusCode: 401,
      error: "unauthorized",
    });
    assert.equal(
      requests.some((r) => r.path.endsWith("/auth/session")),
      false,
    );
    assert.equal(app.currentUser, null);
  });

  test("InvalidPassword is not retried even while another user is logged in", async () => {
    const { app, requests } = newApp(ctx.server, TODO_APP);
    const anon = await app.logIn(Realm.Credentials.anonymous());
    await rejectsRealm(app.logIn(Realm.Credentials.emailPassword(uniqueEmail("nobody"), "password1")), {
      errorCode: "InvalidPassword",
      statusCode: 401,
    });
    assert.equal(requests.filter((r) => r.path.endsWith("/auth/session")).length, 0);
    assert.equal(app.currentUser, anon, "a failed login leaves the current user alone");
  });

  test("UserNotFound (404) on resend-confirmation and reset-send to an unknown email", async () => {
    const { app } = newApp(ctx.server, TODO_APP);
    await rejectsRealm(app.emailPasswordAuth.resendConfirmationEmail({ email: uniqueEmail("ghost") }), {
      errorCode: "UserNotFound",
      statusCode: 404,
      error: "user not found",
    });
    await rejectsRealm(app.emailPasswordAuth.sendResetPasswordEmail({ email: uniqueEmail("ghost") }), {
      errorCode: "UserNotFound",
      statusCode: 404,
      error: "user not found",
    });
  });

  test("UserAlreadyConfirmed (400) on resend-confirmation for an auto-confirmed account", async () => {
    const { app } = newApp(ctx.server, TODO_APP);
    const email = uniqueEmail("confirmed");
    await app.emailPasswordAuth.registerUser({ email, password: "password1" });
    await rejectsRealm(app.emailPasswordAuth.resendConfirmationEmail({ email }), {
      errorCode: "UserAlreadyConfirmed",
      statusCode: 400,
      error: "already confirmed",
    });
  });

  test("bad password length (400) on register, at both bounds", async () => {
    const { app } = newApp(ctx.server, TODO_APP);
    const expected = { errorCode: "BadRequest", statusCode: 400, error: "password must be between 6 and 128 characters" };
    await rejectsRealm(app.emailPasswordAuth.registerUser({ email: uniqueEmail("short"), password: "12345" }), expected);
    await rejectsRealm(app.emailPasswordAuth.registerUser({ email: uniqueEmail("long"), password: "x".repeat(129) }), expected);
    // The bounds themselves are allowed.
    await app.emailPasswordAuth.registerUser({ email: uniqueEmail("six"), password: "123456" });
    await app.emailPasswordAuth.registerUser({ email: uniqueEmail("max"), password: "y".repeat(128) });
  });

  test("bad confirmation and reset tokens (400 BadRequest 'invalid token data')", async () => {
    const { app } = newApp(ctx.server, TODO_APP);
    const expected = { errorCode: "BadRequest", statusCode: 400, error: "invalid token data" };
    await rejectsRealm(app.emailPasswordAuth.confirmUser({ token: "not-a-token", tokenId: "65f000000000000000000001" }), expected);
    await rejectsRealm(
      app.emailPasswordAuth.resetPassword({ token: "not-a-token", tokenId: "65f000000000000000000001", password: "newpassword" }),
      expected,
    );
  });

  test("a malformed email is refused on register", async () => {
    const { app } = newApp(ctx.server, TODO_APP);
    await rejectsRealm(app.emailPasswordAuth.registerUser({ email: "not an email", password: "password1" }), {
      errorCode: "InvalidParameter",
      statusCode: 400,
    });
  });
});
