/** The audit log over the admin API (`GET …/logs`): filters, newest first, keyset pages. */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { todoApp } from "../helpers/server.js";
import { anonUser, assertError, startAdminServer, userpassUser, type AdminTestServer } from "./helpers.js";

describe("admin audit log", () => {
  let server: AdminTestServer;
  let anonId = "";
  let emailUserId = "";
  before(async () => {
    server = await startAdminServer({ apps: [todoApp] });
    anonId = (await anonUser(server, "todo-gatehouse")).user_id;
    server.clock.advance(10_000);
    emailUserId = (await userpassUser(server, "todo-gatehouse", "log@example.com")).user_id;
    assert.equal((await server.adminCall(server.appPath("todo-gatehouse", `/users/${anonId}/disable`), { method: "PUT" })).status, 204);
  });
  after(() => server.close());

  const logs = async (query = "") => {
    const res = await server.adminCall(server.appPath("todo-gatehouse", `/logs${query ? `?${query}` : ""}`));
    assert.equal(res.status, 200, res.text);
    return res.body as any[];
  };

  it("lists events newest first, in the documented shape", async () => {
    const all = await logs();
    assert.ok(all.length >= 5);
    assert.deepEqual(Object.keys(all[0]).sort(), ["_id", "actor", "detail", "ip", "provider", "result", "time", "type", "user_id"]);
    assert.equal(all[0].type, "disable");
    assert.equal(all[0].actor, "test-operator");
    for (let i = 1; i < all.length; i++) assert.ok(Number(all[i - 1]._id) > Number(all[i]._id));
  });

  it("filters by user, type, result and time range, combined", async () => {
    assert.deepEqual(
      (await logs(`user_id=${anonId}`)).map((e) => e.type),
      ["disable", "login", "user_created"],
    );
    assert.ok((await logs("type=login")).every((e) => e.type === "login"));
    assert.deepEqual(
      (await logs(`type=login&user_id=${emailUserId}`)).map((e) => e.user_id),
      [emailUserId],
    );
    assert.ok((await logs("result=ok")).length >= 5);
    assert.deepEqual(await logs("result=InvalidPassword"), []);
    const split = Math.floor(server.clock.now() / 1000) - 5;
    const later = await logs(`start_date=${split}`);
    assert.ok(later.some((e) => e.user_id === emailUserId) && !later.some((e) => e.user_id === anonId && e.type === "login"));
    const earlier = await logs(`end_date=${split}&type=login`);
    assert.deepEqual(
      earlier.map((e) => e.user_id),
      [anonId],
    );
  });

  it("pages with after=<_id> and limit, complete and without repeats", async () => {
    const all = await logs();
    const paged: any[] = [];
    for (;;) {
      const page = await logs(`limit=2${paged.length ? `&after=${paged[paged.length - 1]._id}` : ""}`);
      if (page.length === 0) break;
      paged.push(...page);
    }
    assert.deepEqual(
      paged.map((e) => e._id),
      all.map((e) => e._id),
    );
  });

  it("refuses malformed filters (400) and callers without an admin token (401)", async () => {
    assertError(await server.adminCall(server.appPath("todo-gatehouse", "/logs?after=abc")), 400, "InvalidParameter", "logCursorInvalid");
    assertError(await server.adminCall(server.appPath("todo-gatehouse", "/logs?user_id=x")), 400, "InvalidParameter");
    assertError(
      await server.adminCall(server.appPath("todo-gatehouse", "/logs?start_date=soon")),
      400,
      "InvalidParameter",
      "timeFilterInvalid",
    );
    assertError(await server.adminCall(server.appPath("todo-gatehouse", "/logs?colour=red")), 400, "InvalidParameter");
    assertError(await server.adminCall(server.appPath("todo-gatehouse", "/logs"), { token: null }), 401, "MissingAuthReq");
  });
});
