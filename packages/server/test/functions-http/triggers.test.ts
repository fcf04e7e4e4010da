/**
 * AUTHENTICATION triggers over HTTP: the fixture's record* functions write each event into
 * `app.events`, so counting documents per user counts the firings. CREATE fires on a user's first
 * login only, LOGIN on each login, DELETE on deletion; `onLoginNotAnon` lists only local-userpass and
 * custom-function, so it must stay silent for anon-user.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { call, type TestServer } from "../helpers/server.js";
import { anonLogin, APP, callOk, collection, login, startFunctionsServer, userpassRoute } from "./helpers.js";

let server: TestServer;
before(async () => {
  server = await startFunctionsServer();
});
after(async () => {
  await server.close();
});

/** How many times each trigger function ran for the user. */
async function counts(userId: string): Promise<Record<string, number>> {
  const events = await collection(server, "events").find({ userId });
  const out: Record<string, number> = { recordCreate: 0, recordLogin: 0, recordLoginNotAnon: 0, recordDelete: 0 };
  for (const event of events) out[event.trigger as string]! += 1;
  return out;
}

describe("AUTHENTICATION triggers", () => {
  it("anon-user: CREATE and LOGIN once each on login; the provider-filtered LOGIN trigger does not fire", async () => {
    const session = await anonLogin(server);
    assert.deepEqual(await counts(session.user_id), { recordCreate: 1, recordLogin: 1, recordLoginNotAnon: 0, recordDelete: 0 });
  });

  it("the event is {operationType, providers, user, time}", async () => {
    server.clock.advance(86_400_000); // the event time is the server clock's, not Date.now()
    const from = server.clock.now();
    const session = await anonLogin(server);
    const to = server.clock.now();
    server.clock.advance(-86_400_000);
    const [create] = await collection(server, "events").find({ userId: session.user_id, trigger: "recordCreate" });
    assert.ok(create);
    assert.equal(create.operationType, "CREATE");
    assert.deepEqual(create.providers, ["anon-user"]);
    assert.ok(create.time instanceof Date, "time is a Date");
    const time = (create.time as Date).getTime();
    assert.ok(time >= from && time <= to, "the server clock's time of the login");
    const [loginEvent] = await collection(server, "events").find({ userId: session.user_id, trigger: "recordLogin" });
    assert.equal(loginEvent!.operationType, "LOGIN");
  });

  it("custom-function: CREATE on the first login only, LOGIN (both triggers) on every login", async () => {
    const first = await login(server, "custom-function", { username: "trig-custom", password: "letmein" });
    assert.deepEqual(await counts(first.user_id), { recordCreate: 1, recordLogin: 1, recordLoginNotAnon: 1, recordDelete: 0 });
    await login(server, "custom-function", { username: "trig-custom", password: "letmein" });
    await login(server, "custom-function", { username: "trig-custom", password: "letmein" });
    assert.deepEqual(await counts(first.user_id), { recordCreate: 1, recordLogin: 3, recordLoginNotAnon: 3, recordDelete: 0 });
    const events = await collection(server, "events").find({ userId: first.user_id, trigger: "recordLoginNotAnon" });
    for (const event of events) assert.deepEqual(event.providers, ["custom-function"]);
  });

  it("local-userpass: nothing on register; CREATE on the first login; refreshing a session is no login", async () => {
    const email = "ok-trig@example.com";
    const before = await collection(server, "events").countDocuments({});
    assert.equal((await call(userpassRoute(server, "register"), { body: { email, password: "secret1" } })).status, 201);
    assert.equal(await collection(server, "events").countDocuments({}), before, "registering creates no user");
    const first = await login(server, "local-userpass", { username: email, password: "secret1" });
    const refreshed = await call(`${server.api}/auth/session`, { method: "POST", token: first.refresh_token });
    assert.equal(refreshed.status, 201);
    await login(server, "local-userpass", { username: email, password: "secret1" });
    assert.deepEqual(await counts(first.user_id), { recordCreate: 1, recordLogin: 2, recordLoginNotAnon: 2, recordDelete: 0 });
  });

  it("a failed login fires nothing", async () => {
    const before = await collection(server, "events").countDocuments({});
    const res = await call(`${server.api}/app/${APP}/auth/providers/custom-function/login`, {
      body: { username: "trig-bad", password: "nope" },
    });
    assert.equal(res.status, 401);
    const wrong = await call(`${server.api}/app/${APP}/auth/providers/local-userpass/login`, {
      body: { username: "ok-trig@example.com", password: "wrong12" },
    });
    assert.equal(wrong.status, 401);
    assert.equal(await collection(server, "events").countDocuments({}), before);
  });

  it("a failing trigger does not fail the login, nor stop the other triggers", async () => {
    const session = await login(server, "custom-function", { username: "trigger-fails", password: "letmein" });
    assert.deepEqual(await counts(session.user_id), { recordCreate: 1, recordLogin: 1, recordLoginNotAnon: 0, recordDelete: 0 });
  });

  it("DELETE /auth/delete fires DELETE once, with the user's providers", async () => {
    const session = await login(server, "custom-function", { username: "trig-delete", password: "letmein" });
    const res = await call(`${server.api}/auth/delete`, { method: "DELETE", token: session.access_token });
    assert.equal(res.status, 204);
    assert.deepEqual(await counts(session.user_id), { recordCreate: 1, recordLogin: 1, recordLoginNotAnon: 1, recordDelete: 1 });
    const [event] = await collection(server, "events").find({ userId: session.user_id, trigger: "recordDelete" });
    assert.equal(event!.operationType, "DELETE");
    assert.deepEqual(event!.providers, ["custom-function"]);
  });

  it("an anonymous user's deletion fires DELETE too (the DELETE trigger lists anon-user)", async () => {
    const session = await anonLogin(server);
    assert.equal((await call(`${server.api}/auth/delete`, { method: "DELETE", token: session.access_token })).status, 204);
    assert.equal((await counts(session.user_id)).recordDelete, 1);
  });

  it("deletion by the operator (library admin API) and by a function fire DELETE once each", async () => {
    const a = await anonLogin(server);
    await server.admin.deleteUser(APP, a.user_id);
    assert.equal((await counts(a.user_id)).recordDelete, 1);
    const b = await anonLogin(server);
    assert.equal(await callOk(server, b.access_token, "deleteMe"), "deleted");
    assert.equal((await counts(b.user_id)).recordDelete, 1);
  });

  it("a linked identity's provider counts for the DELETE filter", async () => {
    const session = await anonLogin(server);
    const linked = await call(`${server.api}/app/${APP}/auth/providers/custom-function/login?link=true`, {
      token: session.access_token,
      body: { username: "trig-linked", password: "letmein" },
    });
    assert.equal(linked.status, 200, linked.text);
    assert.equal((await call(`${server.api}/auth/delete`, { method: "DELETE", token: linked.body.access_token })).status, 204);
    const [event] = await collection(server, "events").find({ userId: session.user_id, trigger: "recordDelete" });
    assert.deepEqual(new Set(event!.providers as string[]), new Set(["anon-user", "custom-function"]));
  });
});
