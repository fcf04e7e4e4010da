/**
 * `POST /api/client/v2.0/app/{id}/functions/call` and its streaming GET variant (PROTOCOL.md §6.1):
 * canonical EJSON both ways, the response framing, and the error codes clients branch on.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { Binary, BSONRegExp, Decimal128, Double, EJSON, Int32, Long, MaxKey, MinKey, ObjectId, Timestamp, UUID } from "bson";
import { call, startTestServer, todoApp, type TestServer } from "../helpers/server.js";
import { anonLogin, appRoute, assertError, callFunction, callOk, functionsApp, FUNCTION_LIMITS, login, type Session } from "./helpers.js";

const canonical = (value: unknown) => EJSON.stringify(value, { relaxed: false });

let server: TestServer;
let user: Session;
before(async () => {
  // The todo app is there for the cross-app check.
  server = await startTestServer({ apps: [functionsApp, todoApp], config: { functions: FUNCTION_LIMITS } });
  user = await anonLogin(server);
});
after(async () => {
  await server.close();
});

describe("functions/call: EJSON both ways", () => {
  // Values that come back exactly as sent, wrapper for wrapper.
  const values: [string, unknown][] = [
    ["Int32", new Int32(42)],
    ["Int32 min", new Int32(-2147483648)],
    ["Int64 beyond 2^53", Long.fromString("9007199254740993")],
    ["Int64 negative", Long.fromString("-5")],
    ["Double", new Double(2.5)],
    ["Double NaN", new Double(NaN)],
    ["Double Infinity", new Double(-Infinity)],
    ["Double -0", new Double(-0)],
    ["Decimal128", Decimal128.fromString("1.10")],
    ["Date", new Date(1_234_567_890_123)],
    ["Date before 1970", new Date(-86_400_000)],
    ["ObjectId", new ObjectId("65f0000000000000000000ff")],
    ["Binary", new Binary(Buffer.from([0, 1, 2, 255]), 0)],
    ["Binary UUID", new UUID("12345678-1234-4234-8234-123456789abc").toBinary()],
    ["string", 'ünïcödé ✓ "quoted" \n newline'],
    ["booleans", [true, false]],
    ["null", null],
    ["empty document and array", [{}, []]],
    [
      "nested",
      { a: { b: [new Int32(1), null, "x", { c: Long.fromNumber(7), d: [new Date(0), new ObjectId("65f000000000000000000001")] }] } },
    ],
    ["regular expression", new BSONRegExp("^a.c$", "i")],
    ["Timestamp", new Timestamp({ t: 1_700_000_000, i: 3 })],
    ["MinKey / MaxKey", [new MinKey(), new MaxKey()]],
  ];

  for (const [label, value] of values) {
    it(`${label} round-trips through echo`, async () => {
      const res = await callFunction(server, user.access_token, "echo", [value]);
      assert.equal(res.status, 200, res.text);
      assert.equal(res.headers.get("content-type"), "application/json");
      assert.equal(res.text, canonical([value]), "the response is the canonical EJSON of what was sent");
    });
  }

  it("all of them in one call keep their order and types", async () => {
    const args = values.map(([, value]) => value);
    const res = await callFunction(server, user.access_token, "echo", args);
    assert.equal(res.text, canonical(args));
    const back = res.value as unknown[];
    assert.ok(back[0] instanceof Int32);
    assert.ok(back[2] instanceof Long);
    assert.ok(back[4] instanceof Double);
    assert.ok(back[8] instanceof Decimal128);
    assert.ok(back[9] instanceof Date);
    assert.ok(back[11] instanceof ObjectId);
    assert.ok(back[12] instanceof Binary);
  });

  it("an integral Double comes back as Int32 (functions see plain numbers; documented in functions/README.md)", async () => {
    const res = await callFunction(server, user.access_token, "echo", [new Double(2)]);
    assert.equal(res.text, '[{"$numberInt":"2"}]');
  });

  it("functions compute on decoded numbers: Int32 + Double, and a large integral result is a Double or Int64", async () => {
    assert.equal((await callFunction(server, user.access_token, "sum", [new Int32(1), new Double(2.5)])).text, '{"$numberDouble":"3.5"}');
    assert.equal((await callFunction(server, user.access_token, "sum", [new Int32(2), new Int32(3)])).text, '{"$numberInt":"5"}');
    const big = await callOk(server, user.access_token, "sum", [new Int32(2147483647), new Int32(1)]);
    assert.equal(Number(big), 2147483648, "no Int32 overflow");
  });

  it("relaxed EJSON and plain JSON arguments are accepted too (core sends plain integers)", async () => {
    const res = await call(appRoute(server, "functions/call"), {
      token: user.access_token,
      body: { name: "echo", arguments: [1, 2.5, "s", { $oid: "65f0000000000000000000ff" }, { $date: { $numberLong: "0" } }] },
    });
    assert.equal(res.status, 200, res.text);
    assert.equal(
      res.text,
      '[{"$numberInt":"1"},{"$numberDouble":"2.5"},"s",{"$oid":"65f0000000000000000000ff"},{"$date":{"$numberLong":"0"}}]',
    );
  });

  it("no `arguments` means none; a function returning undefined answers the JSON literal null", async () => {
    const echo = await call(appRoute(server, "functions/call"), { token: user.access_token, body: { name: "echo" } });
    assert.equal(echo.text, "[]");
    const nothing = await callFunction(server, user.access_token, "nothing");
    assert.equal(nothing.status, 200);
    assert.equal(nothing.headers.get("content-type"), "application/json");
    assert.equal(nothing.text, "null");
  });

  it("a scalar result is a bare EJSON value", async () => {
    const res = await callFunction(server, user.access_token, "sum", [new Int32(40), new Int32(2)]);
    assert.equal(res.text, '{"$numberInt":"42"}');
  });
});

describe("functions/call: errors", () => {
  it("unknown function → 404 FunctionNotFound", async () => {
    const res = await callFunction(server, user.access_token, "noSuchFunction");
    assertError(res, { status: 404, code: "FunctionNotFound", error: "function not found: 'noSuchFunction'" });
  });

  it("private function → refused with 403 NotCallable; other functions may still call it", async () => {
    const res = await callFunction(server, user.access_token, "privateFn");
    assertError(res, { status: 403, code: "NotCallable", error: /privateFn.*private/ });
    assert.doesNotMatch(res.text, /you should not see this/);
    assert.equal(await callOk(server, user.access_token, "callPrivate"), "you should not see this");
  });

  it("private functions the server itself runs (auth, triggers) are refused to clients as well", async () => {
    for (const name of ["authFunc", "onUserCreation", "recordLogin", "confirmUser"]) {
      assertError(await callFunction(server, user.access_token, name, [{}]), { status: 403, code: "NotCallable" });
    }
  });

  it("can_evaluate: %%args allows, a mismatch is 400 FunctionExecutionError `rule not matched`", async () => {
    assert.deepEqual(await callOk(server, user.access_token, "guarded", ["open-sesame"]), { welcome: user.user_id, word: "open-sesame" });
    const denied = await callFunction(server, user.access_token, "guarded", ["let me in"]);
    assertError(denied, { status: 400, code: "FunctionExecutionError", error: 'rule not matched for function "guarded"' });
    const noArgs = await callFunction(server, user.access_token, "guarded");
    assertError(noArgs, { status: 400, code: "FunctionExecutionError", error: 'rule not matched for function "guarded"' });
  });

  it("can_evaluate: %%user.custom_data reads the caller's access token claim", async () => {
    const other = await anonLogin(server);
    await callOk(server, other.access_token, "setMyData", [{ role: "admin" }]);
    // The rule reads the custom data of the token used: the old one has no role yet.
    assertError(await callFunction(server, other.access_token, "guarded", ["x"]), { status: 400, code: "FunctionExecutionError" });
    const refreshed = await call(`${server.api}/auth/session`, { method: "POST", token: other.refresh_token });
    assert.equal(refreshed.status, 201);
    assert.deepEqual(await callOk(server, refreshed.body.access_token, "guarded", ["x"]), { welcome: other.user_id, word: "x" });
  });

  it("a thrown error → 400 FunctionExecutionError carrying its message", async () => {
    const res = await callFunction(server, user.access_token, "throws", ["the disk is full"]);
    assertError(res, { status: 400, code: "FunctionExecutionError", error: "the disk is full" });
  });

  it("missing or mistyped name and arguments → 400", async () => {
    const url = appRoute(server, "functions/call");
    assertError(await call(url, { token: user.access_token, body: { arguments: [] } }), { status: 400, code: "MissingParameter" });
    assertError(await call(url, { token: user.access_token, body: { name: 5, arguments: [] } }), { status: 400, code: "InvalidParameter" });
    assertError(await call(url, { token: user.access_token, body: { name: "echo", arguments: { 0: 1 } } }), {
      status: 400,
      code: "InvalidParameter",
    });
  });

  it("a service call (remote MongoDB client) → 404 ServiceNotFound", async () => {
    const res = await callFunction(server, user.access_token, "echo", [], { service: "mongodb-atlas" });
    assertError(res, { status: 404, code: "ServiceNotFound", error: "service not found: 'mongodb-atlas'" });
  });

  it("no token → 401; a refresh token instead of the access token → 401 InvalidSession", async () => {
    const none = await call(appRoute(server, "functions/call"), { body: { name: "echo", arguments: [] } });
    assert.equal(none.status, 401);
    assert.equal(none.headers.get("content-type"), "application/json");
    const refresh = await callFunction(server, user.refresh_token, "echo");
    assertError(refresh, { status: 401, code: "InvalidSession" });
  });

  it("an expired access token → 401 InvalidSession (what makes SDKs refresh and retry)", async () => {
    const session = await anonLogin(server);
    server.clock.advance(31 * 60 * 1000);
    try {
      assertError(await callFunction(server, session.access_token, "echo"), { status: 401, code: "InvalidSession" });
      const refreshed = await call(`${server.api}/auth/session`, { method: "POST", token: session.refresh_token });
      assert.equal((await callFunction(server, refreshed.body.access_token, "echo", [1])).status, 200);
    } finally {
      server.clock.advance(-31 * 60 * 1000);
    }
  });

  it("an unknown app id → 404 AppNotFound; another app's token → 403 UserAppDomainMismatch", async () => {
    const unknown = await call(`${server.api}/app/no-such-app/functions/call`, {
      token: user.access_token,
      body: { name: "echo", arguments: [] },
    });
    assertError(unknown, { status: 404, code: "AppNotFound" });
    const todo = await call(`${server.api}/app/todo-gatehouse/auth/providers/anon-user/login`, { body: {} });
    assert.equal(todo.status, 200);
    assertError(await callFunction(server, todo.body.access_token, "echo"), { status: 403, code: "UserAppDomainMismatch" });
  });
});

describe("functions/call: streaming GET (baas_request)", () => {
  const streamUrl = (body: unknown, extra = "") =>
    `${appRoute(server, "functions/call")}?baas_request=${encodeURIComponent(Buffer.from(canonical(body)).toString("base64"))}${extra}`;

  /** The `data:` payload of the one event, %-escapes undone. */
  function eventData(text: string): string {
    assert.match(text, /^data: .*\n\n$/s);
    return text.slice("data: ".length, -2).replace(/%0A/g, "\n").replace(/%0D/g, "\r").replace(/%25/g, "%");
  }

  it("with Authorization (realm-web): one event carrying the canonical EJSON result", async () => {
    const args = [new Int32(1), Long.fromNumber(2), new Date(0), "100% sure\nreally", { nested: [null, new Double(1.5)] }];
    const res = await call(streamUrl({ name: "echo", arguments: args }), {
      token: user.access_token,
      headers: { accept: "text/event-stream" },
    });
    assert.equal(res.status, 200, res.text);
    assert.match(res.headers.get("content-type") ?? "", /^text\/event-stream/);
    assert.equal(eventData(res.text), canonical(args));
  });

  it("with &baas_at=<access token> and no header (core)", async () => {
    const res = await call(streamUrl({ name: "sum", arguments: [new Int32(2), new Int32(3)] }, `&baas_at=${user.access_token}`), {
      headers: { accept: "text/event-stream" },
    });
    assert.equal(res.status, 200, res.text);
    assert.equal(eventData(res.text), '{"$numberInt":"5"}');
  });

  it("refuses a call without a token, with a bad token, and with an undecodable baas_request", async () => {
    const body = { name: "echo", arguments: [] };
    const none = await call(streamUrl(body), { headers: { accept: "text/event-stream" } });
    assert.equal(none.status, 401);
    const bad = await call(streamUrl(body, "&baas_at=not-a-token"), { headers: { accept: "text/event-stream" } });
    assert.equal(bad.status, 401);
    const garbage = await call(`${appRoute(server, "functions/call")}?baas_request=%%%`, { token: user.access_token });
    assert.equal(garbage.status, 400);
    const missing = await call(appRoute(server, "functions/call"), { token: user.access_token });
    assert.equal(missing.status, 400);
  });

  it("function errors come back as JSON errors, as on the POST route", async () => {
    const notFound = await call(streamUrl({ name: "noSuchFunction", arguments: [] }), { token: user.access_token });
    assertError(notFound, { status: 404, code: "FunctionNotFound" });
    const thrown = await call(streamUrl({ name: "throws", arguments: ["streamed failure"] }), { token: user.access_token });
    assertError(thrown, { status: 400, code: "FunctionExecutionError", error: "streamed failure" });
    const priv = await call(streamUrl({ name: "privateFn", arguments: [] }), { token: user.access_token });
    assertError(priv, { status: 403, code: "NotCallable" });
  });
});

describe("functions/call: the calling user", () => {
  it("context.user is the caller, whichever provider it used", async () => {
    const custom = await login(server, "custom-function", { username: "who", password: "letmein" });
    const me = await callOk(server, custom.access_token, "whoAmI");
    assert.equal(me.id, custom.user_id);
    assert.equal(me.type, "normal");
  });
});
