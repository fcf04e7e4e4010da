/** Keyset pagination of `GET users`: 50 a page, `after` and `desc`, stable while users are being created. */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { anonUser, startAdminServer, type AdminTestServer } from "./helpers.js";

describe("admin user pagination", () => {
  let server: AdminTestServer;
  const created: string[] = [];
  before(async () => {
    server = await startAdminServer();
    for (let i = 0; i < 120; i++) created.push((await anonUser(server, "todo-gatehouse", false)).user_id);
  });
  after(() => server.close());

  async function pageThrough(query: string, onPage?: () => Promise<void>): Promise<{ ids: string[]; sizes: number[] }> {
    const ids: string[] = [];
    const sizes: number[] = [];
    for (;;) {
      const after = ids.length ? `&after=${ids[ids.length - 1]}` : "";
      const res = await server.adminCall(server.appPath("todo-gatehouse", `/users?sort=_id${query}${after}`));
      assert.equal(res.status, 200, res.text);
      sizes.push(res.body.length);
      if (res.body.length === 0) return { ids, sizes };
      ids.push(...res.body.map((u: { _id: string }) => u._id));
      await onPage?.();
    }
  }

  it("pages of 50 in _id order cover every user once", async () => {
    const { ids, sizes } = await pageThrough("");
    assert.deepEqual(sizes, [50, 50, 20, 0]);
    assert.deepEqual(ids, [...created].sort());
  });

  it("desc=true pages the other way", async () => {
    const { ids } = await pageThrough("&desc=true");
    assert.deepEqual(ids, [...created].sort().reverse());
  });

  it("stays complete and duplicate-free while users are created between and during pages", async () => {
    const existing = new Set(created);
    const added: string[] = [];
    // Creations racing with the page reads (a bounded number: the reader must get to the end).
    const creator = (async () => {
      for (let i = 0; i < 60; i++) added.push((await anonUser(server, "todo-gatehouse", false)).user_id);
    })();
    try {
      let pages = 0;
      const { ids } = await pageThrough("", async () => {
        // A few users land between the first pages, too (bounded, or the reader never gets to the end).
        if (++pages > 3) return;
        for (let i = 0; i < 3; i++) added.push((await anonUser(server, "todo-gatehouse", false)).user_id);
      });
      assert.equal(new Set(ids).size, ids.length, "no user twice");
      for (let i = 1; i < ids.length; i++) assert.ok(ids[i - 1]! < ids[i]!, "strictly increasing ids");
      for (const id of existing) assert.ok(ids.includes(id), `user ${id} that existed before paging is listed`);
      assert.ok(added.length > 0);
    } finally {
      await creator;
    }
    created.push(...added);
  });
});
