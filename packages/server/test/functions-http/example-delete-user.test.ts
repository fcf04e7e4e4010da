/**
 * examples/delete-user end to end over HTTP, as realm-web sends it: register, log in, add notes,
 * `deleteMyAccount`, then the logout realm-web sends next. The realm-web version of the same flow is in
 * test/compat/functions.test.ts.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { EJSON } from "bson";
import { call, repoRoot, startTestServer, type TestServer } from "../helpers/server.js";
import { FUNCTION_LIMITS } from "./helpers.js";

const APP = "delete-user-example";
let server: TestServer;
before(async () => {
  server = await startTestServer({ apps: [join(repoRoot, "examples/delete-user")], config: { functions: FUNCTION_LIMITS } });
});
after(async () => {
  await server.close();
});

const route = (sub: string) => `${server.api}/app/${APP}/${sub}`;
const fn = (token: string, name: string, args: unknown[] = []) =>
  call(route("functions/call"), { token, body: EJSON.stringify({ name, arguments: args }, { relaxed: false }) });

describe("examples/delete-user", () => {
  it("loads without warnings", () => {
    assert.deepEqual(
      server.report.filter((line) => line.includes("warning")),
      [],
    );
  });

  it("a user deletes its account and its notes; its tokens die; its email is free again", async () => {
    const email = "ada@example.com";
    const password = "correct horse";
    assert.equal((await call(route("auth/providers/local-userpass/register"), { body: { email, password } })).status, 201);
    const login = await call(route("auth/providers/local-userpass/login"), { body: { username: email, password } });
    assert.equal(login.status, 200);
    const { access_token, refresh_token, user_id } = login.body;

    // Someone else's note must survive.
    const other = await call(route("auth/providers/anon-user/login"), { body: {} });
    assert.equal((await fn(other.body.access_token, "addNote", ["not Ada's"])).status, 200);

    for (const text of ["first", "second"]) assert.equal((await fn(access_token, "addNote", [text])).status, 200);
    const notes = await fn(access_token, "myNotes");
    assert.deepEqual(
      (EJSON.parse(notes.text) as { text: string }[]).map((n) => n.text),
      ["first", "second"],
    );

    const deleted = await fn(access_token, "deleteMyAccount");
    assert.equal(deleted.status, 200, deleted.text);
    assert.deepEqual(EJSON.parse(deleted.text), { deletedUser: user_id, deletedNotes: 2 });

    // What realm-web's removeUser() sends next: the logout it tolerates.
    const logout = await call(`${server.api}/auth/session`, { method: "DELETE", token: refresh_token });
    assert.equal(logout.status, 401);
    assert.equal(logout.body.error, "invalid session: failed to find refresh token");

    for (const res of [
      await fn(access_token, "myNotes"),
      await call(`${server.api}/auth/profile`, { token: access_token }),
      await call(`${server.api}/auth/session`, { method: "POST", token: refresh_token }),
    ]) {
      assert.equal(res.status, 401, res.text);
      assert.equal(res.body.error_code, "InvalidSession");
    }
    const relogin = await call(route("auth/providers/local-userpass/login"), { body: { username: email, password } });
    assert.equal(relogin.status, 401);
    assert.equal(relogin.body.error_code, "InvalidPassword");

    const audit = await server.listAuditEvents({ clientAppId: APP, type: "delete", userId: user_id });
    assert.equal(audit.length, 1);
    assert.equal(audit[0]!.detail, "by admin");

    // The other user's note is untouched; Ada can register again, with no notes.
    assert.equal((EJSON.parse((await fn(other.body.access_token, "myNotes")).text) as unknown[]).length, 1);
    assert.equal((await call(route("auth/providers/local-userpass/register"), { body: { email, password } })).status, 201);
    const again = await call(route("auth/providers/local-userpass/login"), { body: { username: email, password } });
    assert.notEqual(again.body.user_id, user_id);
    assert.equal((await fn(again.body.access_token, "myNotes")).text, "[]");
  });
});
