/**
 * Email/password flows decided by functions (PROTOCOL.md §5): `confirmUser` on register and on
 * `confirm/call`, `resetPassword` on `reset/call`. The fixture's functions store the token pair they
 * receive in `app.tokens`, which is how an app completes a `pending` decision through `confirm`/`reset`.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { EJSON, Int32 } from "bson";
import { call, type TestServer } from "../helpers/server.js";
import { assertError, collection, startFunctionsServer, userpassRoute } from "./helpers.js";

let server: TestServer;
before(async () => {
  server = await startFunctionsServer();
});
after(async () => {
  await server.close();
});

const register = (email: string, password = "secret1") => call(userpassRoute(server, "register"), { body: { email, password } });
const loginAs = (username: string, password = "secret1") => call(userpassRoute(server, "login"), { body: { username, password } });

/** The token pairs the functions received for an email, oldest first. */
async function tokensFor(username: string, kind: "confirm" | "reset") {
  return (await collection(server, "tokens").find({ username, kind })) as {
    token: string;
    tokenId: string;
    password?: string;
    currentPasswordValid?: boolean;
    args?: unknown[];
  }[];
}

describe("confirmation function", () => {
  it("success: register → 201 and the user can log in at once", async () => {
    const email = "ok-confirm@example.com";
    const res = await register(email);
    assert.equal(res.status, 201, res.text);
    const [pair] = await tokensFor(email, "confirm");
    assert.ok(pair, "the function ran with a token pair");
    assert.match(pair.tokenId, /^[0-9a-f]{24}$/);
    assert.ok(pair.token.length >= 16);
    assert.equal((await loginAs(email)).status, 200);
    // Its token was used up by the function's success.
    assert.equal((await call(userpassRoute(server, "confirm"), { body: pair })).status, 400);
  });

  it("pending: login refused until the app confirms with the token pair the function received", async () => {
    const email = "pending-confirm@example.com";
    assert.equal((await register(email)).status, 201);
    const refused = await loginAs(email);
    assertError(refused, { status: 401, code: "AuthError", error: /confirmation required/ });
    const [pair] = await tokensFor(email, "confirm");
    const wrong = await call(userpassRoute(server, "confirm"), { body: { token: `${pair!.token}x`, tokenId: pair!.tokenId } });
    assertError(wrong, { status: 400, code: "BadRequest", error: "invalid token data" });
    const confirmed = await call(userpassRoute(server, "confirm"), { body: { token: pair!.token, tokenId: pair!.tokenId } });
    assert.equal(confirmed.status, 204, confirmed.text);
    assert.equal((await loginAs(email)).status, 200);
  });

  it('fail: register → 400 BadRequest `failed to confirm user "<email>"`; the email is free again', async () => {
    const email = "fail-confirm@example.com";
    const res = await register(email);
    assertError(res, { status: 400, code: "BadRequest", error: `failed to confirm user "${email}"` });
    assertError(await loginAs(email), { status: 401, code: "InvalidPassword" });
    // Registering again runs the function again (same decision here), rather than 409 AccountNameInUse.
    assertError(await register(email), { status: 400, code: "BadRequest", error: `failed to confirm user "${email}"` });
    assert.equal((await tokensFor(email, "confirm")).length, 2);
    // With another decision the same email registers fine.
    await collection(server, "decisions").insertOne({ username: email, status: "success" });
    assert.equal((await register(email)).status, 201);
    assert.equal((await loginAs(email)).status, 200);
  });

  it("a throwing confirmation function → 400 FunctionExecutionError with its message; the email is free again", async () => {
    const email = "throw-confirm@example.com";
    const res = await register(email);
    assertError(res, { status: 400, code: "FunctionExecutionError", error: `cannot confirm ${email}` });
    await collection(server, "decisions").insertOne({ username: email, status: "success" });
    assert.equal((await register(email)).status, 201);
  });

  it("confirm/call re-runs the function: pending → pending (new pair) → success", async () => {
    const email = "pending-recall@example.com";
    assert.equal((await register(email)).status, 201);
    const again = await call(userpassRoute(server, "confirm/call"), { body: { email } });
    assert.equal(again.status, 204, again.text);
    assert.equal(again.text, "");
    assert.equal((await tokensFor(email, "confirm")).length, 2, "the function ran again with a new pair");
    assertError(await loginAs(email), { status: 401, code: "AuthError" });
    await collection(server, "decisions").insertOne({ username: email, status: "success" });
    assert.equal((await call(userpassRoute(server, "confirm/call"), { body: { email } })).status, 204);
    assert.equal((await loginAs(email)).status, 200);
    // Now it is confirmed: confirm/call has nothing to do.
    assertError(await call(userpassRoute(server, "confirm/call"), { body: { email } }), { status: 400, code: "UserAlreadyConfirmed" });
  });

  it("confirm/call deciding fail removes the pending account", async () => {
    const email = "pending-then-fail@example.com";
    assert.equal((await register(email)).status, 201);
    await collection(server, "decisions").insertOne({ username: email, status: "fail" });
    const res = await call(userpassRoute(server, "confirm/call"), { body: { email } });
    assertError(res, { status: 400, code: "BadRequest", error: `failed to confirm user "${email}"` });
    assertError(await call(userpassRoute(server, "confirm/call"), { body: { email } }), { status: 404, code: "UserNotFound" });
  });

  it("confirm/call for an unknown email → 404 UserNotFound; without email → 400", async () => {
    assertError(await call(userpassRoute(server, "confirm/call"), { body: { email: "nobody@example.com" } }), {
      status: 404,
      code: "UserNotFound",
    });
    assert.equal((await call(userpassRoute(server, "confirm/call"), { body: {} })).status, 400);
  });

  it("ignores a bearer token on these public routes (realm-web sends one)", async () => {
    const email = "ok-bearer@example.com";
    const res = await call(userpassRoute(server, "register"), { token: "expired.or.garbage", body: { email, password: "secret1" } });
    assert.equal(res.status, 201, res.text);
  });
});

describe("reset function (reset/call)", () => {
  async function confirmedUser(email: string): Promise<void> {
    assert.equal((await register(email)).status, 201);
    assert.equal((await loginAs(email)).status, 200);
  }

  it("success: the password changes at once; the function gets the new password and the extra arguments", async () => {
    const email = "ok-reset-success@example.com";
    await confirmedUser(email);
    const before = await loginAs(email);
    const body = { email, password: "newpass1", arguments: ["success", new Int32(7), { at: new Date(0) }] };
    const res = await call(userpassRoute(server, "reset/call"), { body: EJSON.stringify(body, { relaxed: false }) });
    assert.equal(res.status, 204, res.text);
    assertError(await loginAs(email), { status: 401, code: "InvalidPassword" });
    assert.equal((await loginAs(email, "newpass1")).status, 200);
    const [received] = await tokensFor(email, "reset");
    assert.equal(received!.password, "newpass1");
    assert.equal(received!.currentPasswordValid, false);
    assert.deepEqual(received!.args, ["success", 7, { at: new Date(0) }]);
    // A reset ends the sessions opened with the old password (docs/functions.md).
    const refresh = await call(`${server.api}/auth/session`, { method: "POST", token: before.body.refresh_token });
    assertError(refresh, { status: 401, code: "InvalidSession" });
  });

  it("currentPasswordValid is true when the password sent is the current one", async () => {
    const email = "ok-reset-current@example.com";
    await confirmedUser(email);
    assert.equal(
      (await call(userpassRoute(server, "reset/call"), { body: { email, password: "secret1", arguments: ["pending"] } })).status,
      204,
    );
    const [received] = await tokensFor(email, "reset");
    assert.equal(received!.currentPasswordValid, true);
  });

  it("pending: nothing changes until the app calls `reset` with the token pair", async () => {
    const email = "ok-reset-pending@example.com";
    await confirmedUser(email);
    const res = await call(userpassRoute(server, "reset/call"), { body: { email, password: "newpass2", arguments: ["pending"] } });
    assert.equal(res.status, 204, res.text);
    assert.equal((await loginAs(email)).status, 200, "the old password still works");
    const [pair] = await tokensFor(email, "reset");
    const done = await call(userpassRoute(server, "reset"), { body: { token: pair!.token, tokenId: pair!.tokenId, password: "newpass2" } });
    assert.equal(done.status, 204, done.text);
    assert.equal((await loginAs(email, "newpass2")).status, 200);
    assertError(await loginAs(email), { status: 401, code: "InvalidPassword" });
    // Single use.
    const replay = await call(userpassRoute(server, "reset"), {
      body: { token: pair!.token, tokenId: pair!.tokenId, password: "newpass3" },
    });
    assert.equal(replay.status, 400);
  });

  it('fail: 400 BadRequest `failed to reset password for user "<email>"`; the password stays', async () => {
    const email = "ok-reset-fail@example.com";
    await confirmedUser(email);
    const res = await call(userpassRoute(server, "reset/call"), { body: { email, password: "newpass4", arguments: ["fail"] } });
    assertError(res, { status: 400, code: "BadRequest", error: `failed to reset password for user "${email}"` });
    assert.equal((await loginAs(email)).status, 200);
    assertError(await loginAs(email, "newpass4"), { status: 401, code: "InvalidPassword" });
  });

  it("arguments may be absent ([]); must be an array; the new password is checked; unknown email → 404", async () => {
    const email = "ok-reset-args@example.com";
    await confirmedUser(email);
    assert.equal((await call(userpassRoute(server, "reset/call"), { body: { email, password: "newpass5" } })).status, 204);
    const [received] = await tokensFor(email, "reset");
    assert.deepEqual(received!.args, []);
    const notArray = await call(userpassRoute(server, "reset/call"), { body: { email, password: "newpass5", arguments: "success" } });
    assertError(notArray, { status: 400, code: "InvalidParameter" });
    const short = await call(userpassRoute(server, "reset/call"), { body: { email, password: "123", arguments: ["success"] } });
    assert.equal(short.status, 400);
    assert.equal(short.body.error, "password must be between 6 and 128 characters");
    const unknown = await call(userpassRoute(server, "reset/call"), {
      body: { email: "nobody@example.com", password: "newpass6", arguments: [] },
    });
    assertError(unknown, { status: 404, code: "UserNotFound" });
  });
});
