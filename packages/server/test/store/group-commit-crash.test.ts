import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { sql } from "kysely";
import { Store } from "../../src/store/store.js";
import { runCli } from "../helpers/cli.js";
import { freshPostgresSchema } from "../helpers/postgres.js";
import { jwtClaims, todoApp } from "../helpers/server.js";
import { requirement } from "../../../../test/support/requirements.mjs";

/**
 * Group commit (store/group-commit.ts) keeps durability: a real server, under concurrent anonymous logins,
 * sign-ups and refreshes (so batches are always being committed), is killed with SIGKILL; every request it
 * had answered with a 2xx is then found in the store, and nothing it had not finished is half-written.
 */
const engines = [
  { name: "sqlite", skip: false as string | false },
  { name: "postgres", skip: requirement("postgres") },
];

const APP = "todo-gatehouse";

for (const engine of engines) {
  describe(`kill -9 during group commits: ${engine.name}`, { skip: engine.skip }, () => {
    it("loses no acknowledged login, sign-up or refresh, and leaves no half-made user", async () => {
      const dir = await mkdtemp(join(tmpdir(), "gatehouse-group-crash-"));
      const pg = engine.name === "postgres" ? await freshPostgresSchema() : undefined;
      const db = pg ? pg.url : `sqlite:${join(dir, "crash.db")}`;
      const configFile = join(dir, "config.json");
      // Rate limits off: the load comes from one IP on purpose.
      await writeFile(configFile, JSON.stringify({ rateLimits: { enabled: false } }));
      const server = runCli(["serve", "--app", todoApp, "--db", db, "--port", "0", "--log-level", "warn", "--config", configFile]);
      try {
        const base = `${await server.listening}/api/client/v2.0`;
        const post = (path: string, body: unknown, token?: string) =>
          fetch(`${base}${path}`, {
            method: "POST",
            headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
            body: JSON.stringify(body),
          });
        const first = await (await post(`/app/${APP}/auth/providers/anon-user/login`, {})).json();

        const logins: { userId: string; sessionId: string }[] = [];
        const signUps: string[] = [];
        let refreshes = 0;
        let cutOff = 0;
        let stop = false;
        let enough!: () => void;
        const reached = new Promise<void>((resolve) => (enough = resolve));
        const progress = () => {
          if (logins.length >= 300 && signUps.length >= 4 && refreshes >= 50) enough();
        };
        const loop = async (once: () => Promise<void>) => {
          while (!stop) {
            try {
              await once();
            } catch {
              cutOff++; // the server went away mid-request
              return;
            }
            progress();
          }
        };
        const anon = async () => {
          const res = await post(`/app/${APP}/auth/providers/anon-user/login`, { options: { device: { platform: "crash-test" } } });
          const body = await res.json();
          if (res.status === 200) logins.push({ userId: body.user_id, sessionId: jwtClaims(body.refresh_token).baas_id });
        };
        let n = 0;
        const signUp = async () => {
          const email = `crash-${n++}@example.com`;
          const res = await post(`/app/${APP}/auth/providers/local-userpass/register`, { email, password: "secret-password-1" });
          await res.arrayBuffer();
          if (res.status === 201) signUps.push(email);
        };
        const refresh = async () => {
          const res = await post("/auth/session", undefined, first.refresh_token);
          await res.arrayBuffer();
          if (res.status === 201) refreshes++;
        };
        const workers = [
          ...Array.from({ length: 12 }, () => loop(anon)),
          ...Array.from({ length: 3 }, () => loop(signUp)),
          ...Array.from({ length: 3 }, () => loop(refresh)),
        ];
        await reached;
        server.child.kill("SIGKILL");
        await server.exited;
        stop = true;
        await Promise.all(workers);
        assert.ok(cutOff > 0, "no request was in flight when the server was killed");

        const store = await Store.open(db);
        try {
          for (const { userId, sessionId } of logins) {
            const user = await store.users.get(APP, userId);
            assert.ok(user, `acknowledged anonymous login of ${userId} lost its user`);
            assert.equal(user.identities.length, 1);
            const session = await store.sessions.state(sessionId);
            assert.equal(session?.userId, userId, `acknowledged session ${sessionId} lost`);
          }
          for (const email of signUps) assert.ok(await store.accounts.findByEmailKey(APP, email), `acknowledged sign-up ${email} lost`);
          const audit = await store.audit.list({ appId: APP, limit: 1_000_000 });
          const loginEvents = new Set(audit.filter((e) => e.type === "login").map((e) => e.userId));
          for (const { userId } of logins) assert.ok(loginEvents.has(userId), `login audit event of ${userId} lost`);
          const refreshEvents = audit.filter((e) => e.type === "refresh" && e.userId === first.user_id).length;
          assert.ok(refreshEvents >= refreshes, `${refreshes} refreshes acknowledged, ${refreshEvents} audited`);
          // Whatever was in flight landed whole or not at all: no user without its identity and session.
          const orphans = await sql<{ n: number }>`
            select count(*) as n from users u
            where u.app_id = ${APP}
              and (not exists (select 1 from identities i where i.user_id = u.id)
                or not exists (select 1 from sessions s where s.user_id = u.id))`.execute(store.db);
          assert.equal(Number(orphans.rows[0]!.n), 0, "a user was left without its identity or session");
        } finally {
          await store.close();
        }
      } finally {
        server.child.kill("SIGKILL");
        await pg?.drop();
        await rm(dir, { recursive: true, force: true });
      }
    });
  });
}
