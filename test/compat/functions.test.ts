/**
 * realm-web@2.0.1 against Gatehouse's functions: `user.functions.x()` / `user.callFunction()` with every
 * BSON type, the streaming variant, custom user data refresh, `Credentials.function`, function-decided
 * email/password flows, the error codes surfaced as `MongoDBRealmError`, and examples/delete-user.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import * as Realm from "realm-web";
import { repoRoot, startTestServer, type TestServer } from "../../packages/server/test/helpers/server.js";
import { collection, FUNCTION_LIMITS, functionsApp } from "../../packages/server/test/functions-http/helpers.js";
import { newApp, rejectsRealm, uniqueEmail, type RecordedRequest } from "./helpers.js";

const { BSON } = Realm;
const FUNCTIONS_APP = "functions-app";
const DELETE_APP = "delete-user-example";

let server: TestServer;
before(async () => {
  server = await startTestServer({
    apps: [functionsApp, join(repoRoot, "examples/delete-user")],
    config: { functions: FUNCTION_LIMITS },
  });
});
after(async () => {
  await server.close();
});

/** `METHOD path status` of the requests after index `from`, without the API prefix. */
function trace(requests: RecordedRequest[], from = 0): string[] {
  return requests.slice(from).map((r) => `${r.method} ${r.path.replace(/^\/api\/client\/v2\.0/, "").replace(/\?.*$/, "")} ${r.status}`);
}

async function anonymous(): Promise<{ app: Realm.App; user: Realm.User; requests: RecordedRequest[] }> {
  const { app, requests } = newApp(server, FUNCTIONS_APP);
  const user = await app.logIn(Realm.Credentials.anonymous());
  return { app, user, requests };
}

describe("calling functions", () => {
  test("user.functions.echo round-trips every EJSON type (as realm-web decodes them)", async () => {
    const { user, requests } = await anonymous();
    const oid = new BSON.ObjectId("65f0000000000000000000ff");
    const args = [
      new BSON.Int32(42),
      BSON.Long.fromString("1234567890123"),
      new BSON.Double(2.5),
      BSON.Decimal128.fromString("1.10"),
      new Date(1_234_567_890_123),
      oid,
      new BSON.Binary(Buffer.from([0, 1, 2, 255]), 0),
      new BSON.Binary(Buffer.from("123456781234423482341234567890ab", "hex"), BSON.Binary.SUBTYPE_UUID),
      { a: { b: [new BSON.Int32(1), null, "x", { when: new Date(0), id: oid }] } },
      null,
      "ünïcödé",
      true,
      [7, 1.5, []],
    ];
    const from = requests.length;
    const back = (await user.functions.echo(...args)) as unknown[];
    const [call] = requests.slice(from);
    assert.equal(call!.status, 200);
    assert.equal(call!.contentType, "application/json");
    // The wire: canonical EJSON (realm-web's own encoding of the same values).
    const sent = JSON.parse(call!.body!) as { name: string; arguments: unknown[] };
    assert.equal(sent.name, "echo");
    assert.deepEqual(sent.arguments[0], { $numberInt: "42" });
    assert.deepEqual(sent.arguments[1], { $numberLong: "1234567890123" });
    // What the app gets back: realm-web's relaxed decoding of what it sent.
    assert.equal(back.length, args.length);
    assert.equal(back[0], 42);
    assert.equal(back[1], 1_234_567_890_123, "realm-web decodes $numberLong to a number");
    assert.equal(back[2], 2.5);
    assert.ok(back[3] instanceof BSON.Decimal128);
    assert.equal(String(back[3]), "1.10");
    assert.ok(back[4] instanceof Date);
    assert.equal((back[4] as Date).getTime(), 1_234_567_890_123);
    assert.ok(back[5] instanceof BSON.ObjectId);
    assert.ok(oid.equals(back[5] as InstanceType<typeof BSON.ObjectId>));
    assert.ok(back[6] instanceof BSON.Binary);
    assert.deepEqual([...(back[6] as InstanceType<typeof BSON.Binary>).buffer], [0, 1, 2, 255]);
    assert.equal((back[7] as InstanceType<typeof BSON.Binary>).sub_type, BSON.Binary.SUBTYPE_UUID);
    assert.equal(Buffer.from((back[7] as InstanceType<typeof BSON.Binary>).buffer).toString("hex"), "123456781234423482341234567890ab");
    const nested = back[8] as { a: { b: [number, null, string, { when: Date; id: unknown }] } };
    assert.equal(nested.a.b[0], 1);
    assert.equal(nested.a.b[1], null);
    assert.equal(nested.a.b[2], "x");
    assert.equal(nested.a.b[3].when.getTime(), 0);
    assert.ok(oid.equals(nested.a.b[3].id as InstanceType<typeof BSON.ObjectId>));
    assert.equal(back[9], null);
    assert.equal(back[10], "ünïcödé");
    assert.equal(back[11], true);
    assert.deepEqual(back[12], [7, 1.5, []]);
  });

  test("user.callFunction and the functions proxy reach the same function", async () => {
    const { user } = await anonymous();
    assert.equal(await user.callFunction("sum", 1, 2.5), 3.5);
    assert.equal(await user.functions.sum(40, 2), 42);
    assert.equal(await user.functions["sum"]!(), 0);
    assert.equal(await user.callFunction("nothing"), null);
    const me = (await user.functions.whoAmI()) as { id: string };
    assert.equal(me.id, user.id);
  });

  test("functions.callFunctionStreaming: one server-sent event with the EJSON result", async () => {
    const { user, requests } = await anonymous();
    const from = requests.length;
    const stream = await user.functions.callFunctionStreaming("echo", "streamed", 5);
    let text = "";
    for await (const chunk of stream) text += Buffer.from(chunk).toString("utf8");
    assert.equal(text, 'data: ["streamed",{"$numberInt":"5"}]\n\n');
    const [request] = requests.slice(from);
    assert.equal(request!.method, "GET");
    assert.match(request!.path, /\/functions\/call\?baas_request=/);
    assert.equal(request!.token, user.accessToken, "realm-web sends the token in the header");
    assert.match(request!.contentType ?? "", /^text\/event-stream/);
    await rejectsRealm(user.functions.callFunctionStreaming("noSuchFunction"), { errorCode: "FunctionNotFound", statusCode: 404 });
  });

  test("an expired access token: the call gets 401, realm-web refreshes once and retries", async () => {
    const { user, requests } = await anonymous();
    server.clock.advance(31 * 60 * 1000);
    const from = requests.length;
    assert.deepEqual(await user.functions.echo("after refresh"), ["after refresh"]);
    assert.deepEqual(trace(requests, from), [
      `POST /app/${FUNCTIONS_APP}/functions/call 401`,
      "POST /auth/session 201",
      `POST /app/${FUNCTIONS_APP}/functions/call 200`,
    ]);
  });
});

describe("function errors as MongoDBRealmError", () => {
  test("FunctionNotFound 404, NotCallable 403 (private), FunctionExecutionError 400 (thrown, can_evaluate)", async () => {
    const { user, requests } = await anonymous();
    const from = requests.length;
    await rejectsRealm(user.functions.noSuchFunction(), {
      errorCode: "FunctionNotFound",
      statusCode: 404,
      error: "function not found: 'noSuchFunction'",
    });
    await rejectsRealm(user.functions.privateFn(), { errorCode: "NotCallable", statusCode: 403 });
    await rejectsRealm(user.callFunction("throws", "it broke"), {
      errorCode: "FunctionExecutionError",
      statusCode: 400,
      error: "it broke",
    });
    await rejectsRealm(user.functions.guarded("wrong word"), {
      errorCode: "FunctionExecutionError",
      statusCode: 400,
      error: 'rule not matched for function "guarded"',
    });
    assert.deepEqual(await user.functions.guarded("open-sesame"), { welcome: user.id, word: "open-sesame" });
    assert.equal(requests.length - from, 5, "no refresh or retry on these errors");
    assert.equal(user.isLoggedIn, true);
  });

  test("loopForever → ExecutionTimeLimitExceeded 400", async () => {
    const { user } = await anonymous();
    await rejectsRealm(user.functions.loopForever(), {
      errorCode: "ExecutionTimeLimitExceeded",
      statusCode: 400,
      error: "execution time limit exceeded (1500 ms)",
    });
    assert.equal(await user.functions.sum(1, 1), 2);
  });
});

describe("custom user data", () => {
  test("customData is in the first token; refreshCustomData() sees what a function just wrote", async () => {
    const { user, requests } = await anonymous();
    const first = user.customData as Record<string, unknown>;
    assert.equal(first.plan, "free", "onUserCreation ran before the first token");
    assert.equal(first.user_id, user.id);
    assert.deepEqual(first.joined, { $date: { $numberLong: "0" } }, "realm-web exposes the raw claim (not EJSON-decoded)");

    await user.functions.setMyData({ plan: "pro", seats: 3 });
    assert.equal((user.customData as Record<string, unknown>).plan, "free", "unchanged until refreshed");
    const from = requests.length;
    const refreshed = (await user.refreshCustomData()) as Record<string, unknown>;
    assert.deepEqual(trace(requests, from), ["POST /auth/session 201"]);
    assert.equal(refreshed.plan, "pro");
    assert.equal(refreshed.seats, 3);
    assert.equal((user.customData as Record<string, unknown>).plan, "pro");
  });
});

describe("Credentials.function (custom-function provider)", () => {
  test("logs in, creates the user once, and reuses it on the next login", async () => {
    const { app } = newApp(server, FUNCTIONS_APP);
    const credentials = Realm.Credentials.function({
      username: "realm-web-fn",
      password: "letmein",
      n: 5,
      d: new Date(0),
      o: new BSON.ObjectId("65f0000000000000000000ee"),
    });
    const user = await app.logIn(credentials);
    assert.equal(user.providerType, "custom-function");
    assert.equal(user.profile.name, "Custom realm-web-fn");
    assert.equal(user.identities[0]!.providerType, "custom-function");
    const [recorded] = await collection(server, "authCalls").find({ username: "realm-web-fn" });
    assert.deepEqual(recorded!.kinds, { username: "string", password: "string", n: "number", d: "Date", o: "ObjectId" });

    const { app: other } = newApp(server, FUNCTIONS_APP);
    const again = await other.logIn(Realm.Credentials.function({ username: "realm-web-fn", password: "letmein" }));
    assert.equal(again.id, user.id);
  });

  test("a thrown error → AuthError 401 with the thrown message", async () => {
    const { app } = newApp(server, FUNCTIONS_APP);
    await rejectsRealm(app.logIn(Realm.Credentials.function({ username: "eve", password: "guess" })), {
      errorCode: "AuthError",
      statusCode: 401,
      error: "wrong password for eve",
    });
    assert.equal(app.currentUser, null);
  });
});

describe("email/password decided by functions", () => {
  test("pending: logIn refused; retryCustomConfirmation re-runs; confirmUser with the pair the function got", async () => {
    const { app } = newApp(server, FUNCTIONS_APP);
    const email = uniqueEmail("pending");
    await app.emailPasswordAuth.registerUser({ email, password: "password1" });
    await rejectsRealm(app.logIn(Realm.Credentials.emailPassword(email, "password1")), { errorCode: "AuthError", statusCode: 401 });
    await app.emailPasswordAuth.retryCustomConfirmation({ email });
    const pairs = await collection(server, "tokens").find({ username: email, kind: "confirm" });
    assert.equal(pairs.length, 2);
    const { token, tokenId } = pairs[1] as { token: string; tokenId: string };
    await app.emailPasswordAuth.confirmUser({ token, tokenId });
    const user = await app.logIn(Realm.Credentials.emailPassword(email, "password1"));
    assert.equal(user.profile.email, email);
  });

  test('fail: registerUser rejects with BadRequest `failed to confirm user "<email>"`', async () => {
    const { app } = newApp(server, FUNCTIONS_APP);
    const email = uniqueEmail("fail");
    await rejectsRealm(app.emailPasswordAuth.registerUser({ email, password: "password1" }), {
      errorCode: "BadRequest",
      statusCode: 400,
      error: `failed to confirm user "${email}"`,
    });
  });

  test("callResetPasswordFunction passes the extra arguments; success sets the password", async () => {
    const { app } = newApp(server, FUNCTIONS_APP);
    const email = uniqueEmail("ok-reset");
    await app.emailPasswordAuth.registerUser({ email, password: "password1" });
    await app.logIn(Realm.Credentials.emailPassword(email, "password1"));
    await app.emailPasswordAuth.callResetPasswordFunction({ email, password: "password2" }, "success", 7, { why: "forgot" });
    const [received] = await collection(server, "tokens").find({ username: email, kind: "reset" });
    assert.deepEqual(received!.args, ["success", 7, { why: "forgot" }]);
    const { app: fresh } = newApp(server, FUNCTIONS_APP);
    await fresh.logIn(Realm.Credentials.emailPassword(email, "password2"));
    await rejectsRealm(fresh.logIn(Realm.Credentials.emailPassword(email, "password1")), { errorCode: "InvalidPassword", statusCode: 401 });
    await rejectsRealm(fresh.emailPasswordAuth.callResetPasswordFunction({ email, password: "password3" }, "fail"), {
      errorCode: "BadRequest",
      statusCode: 400,
      error: `failed to reset password for user "${email}"`,
    });
  });
});

describe("examples/delete-user (the README's realm-web calls)", () => {
  test("deleteMyAccount deletes the user and its notes; removeUser() then succeeds locally", async () => {
    const { app, requests } = newApp(server, DELETE_APP);
    const email = uniqueEmail("ada");
    await app.emailPasswordAuth.registerUser({ email, password: "correct horse" });
    const user = await app.logIn(Realm.Credentials.emailPassword(email, "correct horse"));
    const noteId = await user.functions.addNote("hello");
    assert.ok(noteId instanceof BSON.ObjectId);

    const result = (await user.functions.deleteMyAccount()) as { deletedUser: string; deletedNotes: number };
    assert.deepEqual(result, { deletedUser: user.id, deletedNotes: 1 });
    const from = requests.length;
    await app.removeUser(user);
    assert.deepEqual(trace(requests, from), ["DELETE /auth/session 401"], "the logout fails on the server, and realm-web lets it");
    assert.equal(user.state, "removed");
    assert.deepEqual(Object.keys(app.allUsers), []);

    await rejectsRealm(app.logIn(Realm.Credentials.emailPassword(email, "correct horse")), {
      errorCode: "InvalidPassword",
      statusCode: 401,
    });
  });

  test("a deleted user's next call: realm-web tries one refresh, is logged out, and throws InvalidSession", async () => {
    const { app, requests } = newApp(server, DELETE_APP);
    const user = await app.logIn(Realm.Credentials.anonymous());
    await user.functions.deleteMyAccount();
    const from = requests.length;
    await rejectsRealm(user.functions.myNotes(), { errorCode: "InvalidSession", statusCode: 401 });
    assert.deepEqual(trace(requests, from), [`POST /app/${DELETE_APP}/functions/call 401`, "POST /auth/session 401"]);
    assert.equal(user.isLoggedIn, false);
  });
});
