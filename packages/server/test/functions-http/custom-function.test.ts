/**
 * The `custom-function` provider over HTTP (PROTOCOL.md §10.1): `authFunc` gets the credential body
 * without `options`, EJSON-decoded; its `{id, name}` makes or finds the user; a thrown error is a 401
 * AuthError carrying the message.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { EJSON, Int32, ObjectId } from "bson";
import { call, type TestServer } from "../helpers/server.js";
import { appRoute, assertError, collection, login, startFunctionsServer } from "./helpers.js";

let server: TestServer;
before(async () => {
  server = await startFunctionsServer();
});
after(async () => {
  await server.close();
});

const loginUrl = () => appRoute(server, "auth/providers/custom-function/login");

describe("custom-function login", () => {
  it("the first login creates a user with a custom-function identity; the second reuses it", async () => {
    const first = await login(server, "custom-function", { username: "alice", password: "letmein" });
    const profile = await call(`${server.api}/auth/profile`, { token: first.access_token });
    assert.equal(profile.status, 200);
    assert.equal(profile.body.identities.length, 1);
    assert.equal(profile.body.identities[0].id, "alice");
    assert.equal(profile.body.identities[0].provider_type, "custom-function");
    assert.equal(profile.body.data.name, "Custom alice");
    const second = await login(server, "custom-function", { username: "alice", password: "letmein" });
    assert.equal(second.user_id, first.user_id);
    assert.notEqual(second.refresh_token, first.refresh_token, "a new session");
    const other = await login(server, "custom-function", { username: "bob", password: "letmein" });
    assert.notEqual(other.user_id, first.user_id);
  });

  it("a thrown error → 401 AuthError with the thrown message; no user is created", async () => {
    const res = await call(loginUrl(), { body: { username: "mallory", password: "guess" } });
    assertError(res, { status: 401, code: "AuthError", error: "wrong password for mallory" });
    const ok = await login(server, "custom-function", { username: "mallory", password: "letmein" });
    assert.equal(await collection(server, "events").countDocuments({ userId: ok.user_id, trigger: "recordCreate" }), 1, "created only now");
  });

  it("the payload arrives EJSON-decoded and without `options` (realm-web's canonical body)", async () => {
    const body = {
      username: "ejson-user",
      password: "letmein",
      n: new Int32(5),
      d: new Date(0),
      o: new ObjectId("65f0000000000000000000ff"),
      options: { device: { sdkVersion: "2.0.1", platform: "node", deviceId: new ObjectId("65f0000000000000000000d1") } },
    };
    const res = await call(loginUrl(), { body: EJSON.stringify(body, { relaxed: false }) });
    assert.equal(res.status, 200, res.text);
    const [recorded] = await collection(server, "authCalls").find({ username: "ejson-user" });
    assert.deepEqual(recorded!.kinds, { username: "string", password: "string", n: "number", d: "Date", o: "ObjectId" });
  });

  it("linking a custom-function identity to an anonymous user", async () => {
    const anon = await login(server, "anon-user");
    const res = await call(`${loginUrl()}?link=true`, {
      token: anon.access_token,
      body: { username: "linked-carol", password: "letmein" },
    });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.user_id, anon.user_id);
    const again = await login(server, "custom-function", { username: "linked-carol", password: "letmein" });
    assert.equal(again.user_id, anon.user_id, "the linked identity logs in to the same user");
  });

  it("a linking attempt with a bad password → 401 AuthError, nothing linked", async () => {
    const anon = await login(server, "anon-user");
    const res = await call(`${loginUrl()}?link=true`, { token: anon.access_token, body: { username: "dave", password: "x" } });
    assertError(res, { status: 401, code: "AuthError", error: "wrong password for dave" });
    const profile = await call(`${server.api}/auth/profile`, { token: anon.access_token });
    assert.equal(profile.body.identities.length, 1);
  });
});
