/**
 * A session ended on one instance is refused by every other at once: two server processes over one
 * database (this test's own, and a `gatehouse serve` child), on an SQLite file and on PostgreSQL. The
 * other process has just served the same tokens, so anything it kept in memory from those requests would
 * show here: its very next request after the logout, disable or delete must be refused.
 */
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { requirement } from "../../../../test/support/requirements.mjs";
import { startAdminServer, type AdminTestServer } from "../admin/helpers.js";
import { runCli } from "../helpers/cli.js";
import { freshPostgresSchema } from "../helpers/postgres.js";
import { call, todoApp } from "../helpers/server.js";

const APP = "todo-gatehouse";
const engines = [
  { name: "an SQLite file", postgres: false },
  { name: "PostgreSQL", postgres: true },
];

for (const engine of engines) {
  describe(`revocation across two processes on ${engine.name}`, { skip: engine.postgres && requirement("postgres") }, () => {
    let dir: string;
    let drop: (() => Promise<void>) | undefined;
    let a: AdminTestServer;
    let b: ReturnType<typeof runCli>;
    let bApi: string;
    let n = 0;

    before(async () => {
      dir = await mkdtemp(join(tmpdir(), "gatehouse-revocation-"));
      const schema = engine.postgres ? await freshPostgresSchema() : undefined;
      drop = schema?.drop;
      const db = schema?.url ?? `sqlite:${join(dir, "g.db")}`;
      a = await startAdminServer({ apps: [todoApp], db });
      b = runCli(["serve", "--app", todoApp, "--db", db, "--port", "0", "--host", "127.0.0.1", "--log-level", "warn"]);
      bApi = `${await b.listening}/api/client/v2.0`;
    });
    after(async () => {
      if (b && b.child.exitCode === null) {
        b.child.kill("SIGTERM");
        await b.exited;
      }
      await a?.close();
      await drop?.();
      await rm(dir, { recursive: true, force: true });
    });

    /** A user logged in on A whose tokens B has just accepted (profile and refresh, twice each). */
    async function servedOnB() {
      const email = `revoke-${++n}@example.com`;
      const provider = `${a.api}/app/${APP}/auth/providers/local-userpass`;
      assert.equal((await call(`${provider}/register`, { body: { email, password: "revoke-password" } })).status, 201);
      const login = await call(`${provider}/login`, { body: { username: email, password: "revoke-password" } });
      assert.equal(login.status, 200, login.text);
      const session = login.body as { access_token: string; refresh_token: string; user_id: string };
      for (let i = 0; i < 2; i++) {
        assert.equal((await profileOnB(session.access_token)).status, 200);
        assert.equal((await refreshOnB(session.refresh_token)).status, 201);
      }
      return session;
    }
    const profileOnB = (token: string) => call(`${bApi}/auth/profile`, { token });
    const refreshOnB = (token: string) => call(`${bApi}/auth/session`, { method: "POST", token });
    const refused = (res: Awaited<ReturnType<typeof call>>, reason: string) => {
      assert.equal(res.status, 401, res.text);
      assert.equal(res.body.error_code, "InvalidSession");
      assert.equal(res.body.reason, reason);
    };

    it("a logout on A: B refuses the refresh token and the access token on its next request", async () => {
      const session = await servedOnB();
      const logout = await call(`${a.api}/auth/session`, { method: "DELETE", token: session.refresh_token });
      assert.equal(logout.status, 204);
      refused(await profileOnB(session.access_token), "sessionNotFound");
      refused(await refreshOnB(session.refresh_token), "sessionNotFound");
    });

    it("a user disabled on A (admin API): B refuses both tokens at once", async () => {
      const session = await servedOnB();
      const disabled = await a.adminCall(a.appPath(APP, `/users/${session.user_id}/disable`), { method: "PUT" });
      assert.ok(disabled.status < 300, disabled.text);
      // Disabling also revokes the user's sessions, which is checked first.
      refused(await profileOnB(session.access_token), "sessionNotFound");
      refused(await refreshOnB(session.refresh_token), "sessionNotFound");
    });

    it("a user deleted on A: B refuses both tokens at once", async () => {
      const session = await servedOnB();
      const deleted = await call(`${a.api}/auth/delete`, { method: "DELETE", token: session.access_token });
      assert.equal(deleted.status, 204, deleted.text);
      refused(await profileOnB(session.access_token), "sessionNotFound");
      refused(await refreshOnB(session.refresh_token), "sessionNotFound");
    });

    it("and the other way round: a logout on B is refused by A at once", async () => {
      const session = await servedOnB();
      assert.equal((await call(`${a.api}/auth/profile`, { token: session.access_token })).status, 200);
      const logout = await call(`${bApi}/auth/session`, { method: "DELETE", token: session.refresh_token });
      assert.equal(logout.status, 204);
      refused(await call(`${a.api}/auth/profile`, { token: session.access_token }), "sessionNotFound");
      refused(await call(`${a.api}/auth/session`, { method: "POST", token: session.refresh_token }), "sessionNotFound");
    });
  });
}
