/**
 * Custom user data over HTTP (PROTOCOL.md §6.3): the `on_user_creation_function_name` document is in
 * the very first access token, a function's write shows in the next token after `POST /auth/session`,
 * and functions see it as `context.user.custom_data`. Claim form: see src/customdata/user-data-claim.ts.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { Decimal128, Int32, Long, ObjectId } from "bson";
import { call, type TestServer } from "../helpers/server.js";
import { anonLogin, appRoute, callOk, claims, collection, login, startFunctionsServer, userpassRoute, type Session } from "./helpers.js";

let server: TestServer;
before(async () => {
  server = await startFunctionsServer();
});
after(async () => {
  await server.close();
});

async function refresh(session: Session): Promise<string> {
  const res = await call(`${server.api}/auth/session`, { method: "POST", token: session.refresh_token });
  assert.equal(res.status, 201, res.text);
  return res.body.access_token as string;
}

describe("custom user data", () => {
  it("the document onUserCreation inserts is in the FIRST access token's user_data claim", async () => {
    const session = await anonLogin(server);
    const docs = await collection(server, "users").find({ user_id: session.user_id });
    assert.equal(docs.length, 1, "onUserCreation ran once");
    const userData = claims(session.access_token).user_data;
    assert.deepEqual(userData, {
      _id: { $oid: (docs[0]!._id as ObjectId).toHexString() },
      user_id: session.user_id,
      plan: "free",
      visits: 1,
      joined: { $date: { $numberLong: "0" } },
      firstProvider: "anon-user",
    });
  });

  it("onUserCreation gets the new user with its identity, for every provider", async () => {
    const custom = await login(server, "custom-function", { username: "cd-custom", password: "letmein" });
    assert.equal(claims(custom.access_token).user_data.firstProvider, "custom-function");
    const email = "ok-cd@example.com";
    assert.equal((await call(userpassRoute(server, "register"), { body: { email, password: "secret1" } })).status, 201);
    const userpass = await login(server, "local-userpass", { username: email, password: "secret1" });
    assert.equal(claims(userpass.access_token).user_data.firstProvider, "local-userpass");
    // Not again on a later login.
    await login(server, "local-userpass", { username: email, password: "secret1" });
    assert.equal(await collection(server, "users").countDocuments({ user_id: userpass.user_id }), 1);
  });

  it("a failing onUserCreation does not fail the login: the token just has no user_data; CREATE still fires", async () => {
    const session = await login(server, "custom-function", { username: "creation-fails", password: "letmein" });
    assert.equal(claims(session.access_token).user_data, undefined);
    assert.equal(await collection(server, "events").countDocuments({ userId: session.user_id, trigger: "recordCreate" }), 1);
  });

  it("setMyData, then POST /auth/session: the new access token carries the change; the old one does not", async () => {
    const session = await anonLogin(server);
    const written = await callOk(server, session.access_token, "setMyData", [{ plan: "pro", visits: new Int32(2), tags: ["a", "b"] }]);
    assert.equal(written.plan, "pro");
    assert.equal(claims(session.access_token).user_data.plan, "free", "a token never changes");
    const access = await refresh(session);
    const userData = claims(access).user_data;
    assert.equal(userData.plan, "pro");
    assert.equal(userData.visits, 2);
    assert.deepEqual(userData.tags, ["a", "b"]);
    assert.equal(userData.firstProvider, "anon-user", "fields not set are kept");
  });

  it("the claim form: relaxed numbers, canonical dates, $oid, $numberLong beyond 2^53, $numberDecimal", async () => {
    const session = await anonLogin(server);
    await callOk(server, session.access_token, "setMyData", [
      {
        small: Long.fromNumber(5),
        big: Long.fromString("9007199254740993"),
        price: Decimal128.fromString("9.99"),
        ratio: 0.25,
        at: new Date(1_700_000_000_000),
        ref: new ObjectId("65f0000000000000000000aa"),
        nested: { list: [new Int32(1), new Date(0)] },
      },
    ]);
    const userData = claims(await refresh(session)).user_data;
    assert.equal(userData.small, 5);
    assert.deepEqual(userData.big, { $numberLong: "9007199254740993" });
    assert.deepEqual(userData.price, { $numberDecimal: "9.99" });
    assert.equal(userData.ratio, 0.25);
    assert.deepEqual(userData.at, { $date: { $numberLong: "1700000000000" } });
    assert.deepEqual(userData.ref, { $oid: "65f0000000000000000000aa" });
    assert.deepEqual(userData.nested, { list: [1, { $date: { $numberLong: "0" } }] });
  });

  it("functions see the caller's custom data as context.user.custom_data, with BSON types", async () => {
    const session = await anonLogin(server);
    const me = await callOk(server, session.access_token, "whoAmI");
    assert.equal(me.id, session.user_id);
    assert.equal(me.custom_data.plan, "free");
    assert.equal(me.joinedIsDate, true, "custom_data.joined is a Date inside the function");
    assert.ok(me.custom_data._id instanceof ObjectId);
  });

  it("a later login embeds the current document (no cache from the first token)", async () => {
    const first = await login(server, "custom-function", { username: "cd-relogin", password: "letmein" });
    await callOk(server, first.access_token, "setMyData", [{ plan: "team" }]);
    const second = await login(server, "custom-function", { username: "cd-relogin", password: "letmein" });
    assert.equal(second.user_id, first.user_id);
    assert.equal(claims(second.access_token).user_data.plan, "team");
  });

  it("no document → no user_data claim, and context.user.custom_data is {}", async () => {
    const session = await anonLogin(server);
    await collection(server, "users").deleteMany({ user_id: session.user_id });
    const access = await refresh(session);
    assert.equal(claims(access).user_data, undefined);
    const me = await callOk(server, access, "whoAmI");
    assert.deepEqual(me.custom_data, {});
  });

  it("a document keyed by the ObjectId form of the user id is found; the string form wins when both exist", async () => {
    const session = await anonLogin(server);
    const users = collection(server, "users");
    await users.deleteMany({ user_id: session.user_id });
    await users.insertOne({ user_id: new ObjectId(session.user_id), plan: "by-objectid" });
    assert.equal(claims(await refresh(session)).user_data.plan, "by-objectid");
    await users.insertOne({ user_id: session.user_id, plan: "by-string" });
    assert.equal(claims(await refresh(session)).user_data.plan, "by-string");
  });

  it("tokens are written into login and refresh responses as signed, whatever the custom data holds", async () => {
    // The response schemas write tokens unescaped (http/client/schemas.ts): that is sound only while every
    // token is base64url segments and dots, whatever characters the user_data claim carries.
    const awkward = 'quote " backslash \\ newline \n tab \t nul \u0000 </script> \u2028 é 😀';
    const shape = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;
    const credentials = { username: "cd-awkward", password: "letmein" };
    const first = await login(server, "custom-function", credentials);
    await callOk(server, first.access_token, "setMyData", [{ plan: awkward }]);

    const refreshed = await call(`${server.api}/auth/session`, { method: "POST", token: first.refresh_token });
    assert.equal(refreshed.status, 201, refreshed.text);
    assert.match(refreshed.body.access_token, shape);
    assert.equal(refreshed.text, JSON.stringify({ access_token: refreshed.body.access_token }));
    assert.equal(claims(refreshed.body.access_token).user_data.plan, awkward);

    const again = await call(appRoute(server, "auth/providers/custom-function/login"), { body: credentials });
    assert.equal(again.status, 200, again.text);
    assert.match(again.body.access_token, shape);
    assert.match(again.body.refresh_token, shape);
    assert.equal(again.text, JSON.stringify(again.body));
    assert.equal(claims(again.body.access_token).user_data.plan, awkward);
  });
});
