import assert from "node:assert/strict";
import { sql } from "kysely";
import { after, before, describe, it } from "node:test";
import { call, startTestServer, type TestServer } from "../helpers/server.js";

const APP = "todo-gatehouse";

/**
 * SQLite out of disk space or read-only: the request that hits it gets a clear 503, nothing of it is
 * written, the file stays intact, and the server carries on once the condition is gone. The conditions
 * are SQLite's own: `max_page_count` makes the database full exactly as a full disk does (SQLITE_FULL
 * from the pager), `query_only` refuses writes with SQLITE_READONLY as a read-only file does.
 */
describe("SQLite on a full disk or read-only", () => {
  let server: TestServer;
  const pragma = (text: string) => sql.raw(`pragma ${text}`).execute(server.services.store.db);
  const register = (email: string) =>
    call(`${server.api}/app/${APP}/auth/providers/local-userpass/register`, { body: { email, password: "fault-password" } });
  const loginStatus = async (email: string) =>
    (await call(`${server.api}/app/${APP}/auth/providers/local-userpass/login`, { body: { username: email, password: "fault-password" } }))
      .status;
  const integrity = async () => ((await pragma("integrity_check")).rows as { integrity_check: string }[])[0]!.integrity_check;

  before(async () => {
    server = await startTestServer();
  });
  after(() => server.close());

  it("full: 503 ServiceUnavailable naming the disk, acknowledged writes kept, none half-made, writes resume", async () => {
    const pages = Number(((await pragma("page_count")).rows as { page_count: number }[])[0]!.page_count);
    await pragma(`max_page_count = ${pages + 2}`);
    const acked: string[] = [];
    let refused: Awaited<ReturnType<typeof register>> | undefined;
    let refusedEmail = "";
    for (let i = 0; i < 500 && !refused; i++) {
      const email = `full-${i}-${"x".repeat(40)}@example.com`;
      const res = await register(email);
      if (res.status === 201) acked.push(email);
      else {
        refused = res;
        refusedEmail = email;
      }
    }
    assert.ok(refused, "the database filled up");
    assert.equal(refused.status, 503);
    assert.equal(refused.body.error_code, "ServiceUnavailable");
    assert.equal(refused.body.reason, "storeFull");
    assert.match(refused.body.error, /disk space/);
    assert.equal(refused.headers.get("retry-after"), "1");
    assert.equal((await call(`${server.url}/healthz`)).status, 200);
    // Reads go on while it is full.
    assert.equal(await loginStatus(acked[0]!), 200);

    await pragma("max_page_count = 1073741823");
    assert.equal(await integrity(), "ok");
    for (const email of acked) assert.equal(await loginStatus(email), 200);
    assert.equal(await loginStatus(refusedEmail), 401, "the refused registration left no account");
    assert.equal((await register(refusedEmail)).status, 201, "writes resume once there is space");
  });

  it("read-only: 503 ServiceUnavailable naming it, reads still served, writes resume", async () => {
    const anon = await call(`${server.api}/app/${APP}/auth/providers/anon-user/login`, { body: {} });
    assert.equal(anon.status, 200);
    await pragma("query_only = 1");
    try {
      const res = await register("readonly@example.com");
      assert.equal(res.status, 503);
      assert.equal(res.body.error_code, "ServiceUnavailable");
      assert.equal(res.body.reason, "storeReadOnly");
      assert.match(res.body.error, /read-only/);
      assert.equal((await call(`${server.api}/auth/profile`, { token: anon.body.access_token })).status, 200);
      assert.equal((await call(`${server.api}/app/${APP}/auth/providers/anon-user/login`, { body: {} })).status, 503);
    } finally {
      await pragma("query_only = 0");
    }
    assert.equal(await integrity(), "ok");
    assert.equal(await loginStatus("readonly@example.com"), 401);
    assert.equal((await register("readonly@example.com")).status, 201);
  });
});
