/** Groups and apps of the admin API: one group per server, apps by `_id` or client app id. */
import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { call, secondApp, startTestServer, todoApp } from "../helpers/server.js";
import { assertError, startAdminServer, type AdminTestServer } from "./helpers.js";

describe("admin groups and apps", () => {
  let server: AdminTestServer;
  before(async () => {
    server = await startAdminServer({ apps: [todoApp, secondApp] });
  });
  after(() => server.close());

  it("lists every served app with a stable 24-hex _id, the client app id and the group", async () => {
    const res = await server.adminCall(`/groups/${server.groupId}/apps`);
    assert.equal(res.status, 200);
    assert.deepEqual(
      res.body.map((a: any) => a.client_app_id),
      ["todo-gatehouse", "second-app"],
    );
    for (const app of res.body) {
      assert.match(app._id, /^[0-9a-f]{24}$/);
      assert.equal(app.group_id, server.groupId);
      for (const field of ["name", "location", "deployment_model"]) assert.equal(typeof app[field], "string");
    }
    const second = res.body[1];
    assert.equal(second.location, "IE");
    assert.equal(second.deployment_model, "LOCAL");
    assert.equal(second.name, "second");
  });

  it("names an app by _id or by client app id; an unknown app is 404 AppNotFound", async () => {
    const apps = (await server.adminCall(`/groups/${server.groupId}/apps`)).body;
    const byId = await server.adminCall(`/groups/${server.groupId}/apps/${apps[0]._id}`);
    const byClientId = await server.adminCall(`/groups/${server.groupId}/apps/todo-gatehouse`);
    assert.deepEqual(byId.body, byClientId.body);
    assert.equal((await server.adminCall(`/groups/${server.groupId}/apps/${apps[0]._id}/users`)).status, 200);
    assertError(await server.adminCall(`/groups/${server.groupId}/apps/nope-app`), 404, "AppNotFound", "adminAppNotFound");
    assertError(await server.adminCall(`/groups/${server.groupId}/apps/nope-app/users`), 404, "AppNotFound", "adminAppNotFound");
    assertError(await server.adminCall(`/groups/${server.groupId}/apps/${"0".repeat(24)}/users`), 404, "AppNotFound", "adminAppNotFound");
  });

  it("another group is 404 NotFound (groupNotFound), on the list and on app routes", async () => {
    const other = "0123456789abcdef01234567";
    assertError(await server.adminCall(`/groups/${other}/apps`), 404, "NotFound", "groupNotFound");
    assertError(await server.adminCall(`/groups/${other}/apps/todo-gatehouse/users`), 404, "NotFound", "groupNotFound");
    assertError(
      await server.adminCall(`/groups/${other}/apps/todo-gatehouse/users/${"a".repeat(24)}`, { method: "DELETE" }),
      404,
      "NotFound",
    );
  });

  it("reports the group id at start-up", () => {
    assert.ok(server.report.includes(`admin API group id: ${server.groupId}`));
  });
});

describe("the group id", () => {
  it("is derived from the database: the same after a restart on it; adminGroupId overrides it", async () => {
    const first = await startTestServer();
    const db = `sqlite:${join(first.dir, "gatehouse.db")}`;
    const id = first.services.admin.apps.groupId;
    assert.match(id, /^[0-9a-f]{24}$/);
    const again = await startTestServer({ db });
    try {
      assert.equal(again.services.admin.apps.groupId, id);
    } finally {
      await again.close();
    }
    const configured = await startTestServer({ db, config: { adminGroupId: "aaaaaaaaaaaaaaaaaaaaaaaa" } });
    try {
      assert.equal(configured.services.admin.apps.groupId, "aaaaaaaaaaaaaaaaaaaaaaaa");
      const unauthenticated = await call(`${configured.url}/api/admin/v3.0/groups/aaaaaaaaaaaaaaaaaaaaaaaa/apps`);
      assert.equal(unauthenticated.status, 401);
    } finally {
      await configured.close();
      await first.close();
    }
  });

  it("a malformed adminGroupId stops the server from starting", async () => {
    await assert.rejects(startTestServer({ config: { adminGroupId: "not-hex" } }), /adminGroupId/);
  });
});
