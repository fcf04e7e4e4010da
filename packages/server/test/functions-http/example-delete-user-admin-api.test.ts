/**
 * examples/delete-user's Admin API variant over HTTP: the function logs in to the server's own Admin API
 * with the operator key in its secret values (through `context.http`) and deletes its caller. realm-web
 * runs the same flow in test/compat/functions.test.ts, @gatehouse/sdk in its integration tests.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { EJSON } from "bson";
import { DELETE_USER_APP, startDeleteUserExample } from "../helpers/delete-user-example.js";
import { call, type TestServer } from "../helpers/server.js";
import { FUNCTION_LIMITS } from "./helpers.js";

let server: TestServer & { operator: string };
before(async () => {
  server = await startDeleteUserExample({ functions: FUNCTION_LIMITS });
});
after(async () => {
  await server.close();
});

const route = (sub: string) => `${server.api}/app/${DELETE_USER_APP}/${sub}`;
const fn = (token: string, name: string, args: unknown[] = []) =>
  call(route("functions/call"), { token, body: EJSON.stringify({ name, arguments: args }, { relaxed: false }) });

describe("examples/delete-user through the Admin API", () => {
  it("loads without warnings", () => {
    assert.deepEqual(
      server.report.filter((line) => line.includes("warning")),
      [],
    );
  });

  it("the function deletes its caller and the caller's notes through DELETE …/users/{id}", async () => {
    const email = "admin-api-ada@example.com";
    assert.equal((await call(route("auth/providers/local-userpass/register"), { body: { email, password: "correct horse" } })).status, 201);
    const login = await call(route("auth/providers/local-userpass/login"), { body: { username: email, password: "correct horse" } });
    const { access_token, user_id } = login.body;
    assert.equal((await fn(access_token, "addNote", ["mine"])).status, 200);

    const deleted = await fn(access_token, "deleteMyAccountViaAdminApi");
    assert.equal(deleted.status, 200, deleted.text);
    assert.deepEqual(EJSON.parse(deleted.text), { deletedUser: user_id, deletedNotes: 1 });

    assert.equal((await call(`${server.api}/auth/profile`, { token: access_token })).status, 401);
    const again = await call(route("auth/providers/local-userpass/login"), { body: { username: email, password: "correct horse" } });
    assert.equal(again.body.error_code, "InvalidPassword");
    // The operator key's name is the actor of the delete; its admin session was logged out after.
    const [event] = await server.listAuditEvents({ clientAppId: DELETE_USER_APP, type: "delete", userId: user_id });
    assert.equal(event?.actor, server.operator);
    const adminEvents = await server.listAuditEvents({ clientAppId: ":admin" });
    assert.deepEqual(
      adminEvents.slice(-2).map((e) => e.type),
      ["admin_login", "admin_logout"],
    );
  });
});
