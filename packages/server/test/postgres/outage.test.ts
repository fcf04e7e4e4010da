import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { runCli } from "../helpers/cli.js";
import { LoadRun, waitFor, type Outcome } from "../helpers/load.js";
import { connectionsOnTwoWorkers } from "../helpers/pinned.js";
import { todoApp } from "../helpers/server.js";
import { ThrowawayPostgres, throwawayPostgresSkip } from "../helpers/throwaway-postgres.js";

const skip = throwawayPostgresSkip();
const APP = "todo-gatehouse";
// The server's bounds (server config below) and the client's: no answer may take longer than this.
const DATABASE = { connectionTimeoutMs: 1000, statementTimeoutMs: 2000 };
const BOUND_MS = 5000;

/** A registration (argon2 + one transaction), an anonymous login (user, identity, session) and a profile read. */
function traffic(api: string, token: () => string | undefined, prefix: string) {
  const json = { "content-type": "application/json" };
  return (n: number) => {
    if (n % 3 === 0) {
      const email = `${prefix}-${n}@example.com`;
      return {
        kind: "register",
        subject: email,
        url: `${api}/app/${APP}/auth/providers/local-userpass/register`,
        init: { method: "POST", headers: json, body: JSON.stringify({ email, password: "outage-password" }) },
      };
    }
    if (n % 3 === 1 || !token()) {
      return { kind: "anon", url: `${api}/app/${APP}/auth/providers/anon-user/login`, init: { method: "POST", headers: json, body: "{}" } };
    }
    return { kind: "profile", url: `${api}/auth/profile`, init: { headers: { authorization: `Bearer ${token()}` } } };
  };
}

async function status(url: string): Promise<number> {
  const res = await fetch(url, { signal: AbortSignal.timeout(BOUND_MS) });
  await res.arrayBuffer();
  return res.status;
}

describe("PostgreSQL stopped and started under load", { skip }, () => {
  let pg: ThrowawayPostgres;
  let dir: string;
  let cli: ReturnType<typeof runCli> | undefined;
  before(async () => {
    pg = await ThrowawayPostgres.create();
    dir = await mkdtemp(join(tmpdir(), "gatehouse-outage-"));
  });
  after(async () => {
    if (cli && cli.child.exitCode !== null) console.error(`gatehouse exited ${cli.child.exitCode}:\n${cli.output().stderr.slice(-4000)}`);
    if (cli && cli.child.exitCode === null) {
      cli.child.kill("SIGTERM");
      await cli.exited;
    }
    await pg?.destroy();
    await rm(dir, { recursive: true, force: true });
  });

  for (const workers of [1, 2]) {
    it(`--workers ${workers}: 503 within the bound while it is down, /readyz follows, everything recovers by itself`, async (t) => {
      const config = join(dir, "config.json");
      await writeFile(config, JSON.stringify({ rateLimits: { enabled: false }, database: DATABASE }));
      if (cli && cli.child.exitCode === null) {
        cli.child.kill("SIGTERM");
        await cli.exited;
      }
      cli = runCli([
        "serve",
        "--app",
        todoApp,
        "--db",
        pg.url,
        "--port",
        "0",
        "--host",
        "127.0.0.1",
        "--config",
        config,
        "--workers",
        String(workers),
      ]);
      const url = await cli.listening;
      const api = `${url}/api/client/v2.0`;
      assert.equal(await status(`${url}/readyz`), 200);

      const anon = await (
        await fetch(`${api}/app/${APP}/auth/providers/anon-user/login`, {
          method: "POST",
          body: "{}",
          headers: { "content-type": "application/json" },
        })
      ).json();
      const load = new LoadRun(
        traffic(api, () => (anon as { access_token: string }).access_token, `outage-w${workers}`),
        6,
        BOUND_MS,
      );
      const ok = (o: Outcome) => o.status >= 200 && o.status < 300;
      await load.until((all) => all.filter((o) => o.kind === "register" && ok(o)).length >= 15, "registrations before the outage");

      const stopSent = load.now();
      await pg.stop();
      const stopped = load.now();
      await waitFor(async () => (await status(`${url}/readyz`)) === 503, "/readyz 503");
      const notReadyAt = load.now();
      await load.until((all) => all.filter((o) => o.sent > stopped && o.status === 503).length >= 30, "503s during the outage");

      const startSent = load.now();
      await pg.start();
      const started = load.now();
      await waitFor(async () => (await status(`${url}/readyz`)) === 200, "/readyz 200 again");
      const readyAgainAt = load.now();
      await load.until((all) => all.filter((o) => o.sent > readyAgainAt && ok(o)).length >= 30, "successes after the restart");
      const outcomes = await load.stop();

      // Every request was answered, within the bound, with success or an App Services-shaped 503.
      const hangs = outcomes.filter((o) => o.status === 0);
      assert.equal(hangs.length, 0, `requests past ${BOUND_MS} ms: ${JSON.stringify(hangs.slice(0, 3))}`);
      const others = outcomes.filter((o) => !ok(o) && o.status !== 503);
      assert.deepEqual(others.slice(0, 5), [], "only 2xx and 503");
      for (const o of outcomes.filter((o) => o.status === 503)) {
        assert.equal(o.errorCode, "ServiceUnavailable");
        assert.ok(o.reason === "storeUnavailable" || o.reason === "storeTimeout", `reason ${o.reason}`);
        assert.equal(o.contentType, "application/json");
      }
      // While the database was down (stop finished, start not yet sent), nothing succeeded.
      const duringOutage = outcomes.filter((o) => o.sent > stopped && o.answered < startSent);
      assert.ok(duringOutage.length > 0);
      assert.equal(duringOutage.filter(ok).length, 0, "no success while PostgreSQL was down");
      const slowest503 = Math.max(...outcomes.filter((o) => o.status === 503).map((o) => o.answered - o.sent));
      assert.ok(slowest503 < BOUND_MS);
      const firstSuccessAfter = outcomes.filter((o) => o.sent > started && ok(o)).sort((a, b) => a.answered - b.answered)[0]!;

      // No process died (its port answered throughout; no worker was replaced) and all still serve.
      assert.equal(cli.child.exitCode, null);
      assert.doesNotMatch(cli.output().stdout, /replacing it/);
      if (workers === 2) {
        // Both instances recovered, not just the one that answered last.
        const pinned = await connectionsOnTwoWorkers(Number(new URL(url).port));
        for (const connection of pinned) {
          assert.equal((await connection.send("GET", "/readyz")).status, 200);
          connection.close();
        }
      }
      assert.equal(await status(`${url}/healthz`), 200);

      // No acknowledged registration lost: each one logs in after the restart.
      const acked = outcomes.filter((o) => o.kind === "register" && o.status === 201).map((o) => o.subject!);
      for (const email of acked) {
        const res = await fetch(`${api}/app/${APP}/auth/providers/local-userpass/login`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ username: email, password: "outage-password" }),
        });
        assert.equal(res.status, 200, `acknowledged registration ${email} logs in`);
        await res.arrayBuffer();
      }
      // Nothing half-written: every account has its register event, every user its identity, every session its user.
      const pgClient = new (await import("pg")).default.Client({ connectionString: pg.url });
      await pgClient.connect();
      try {
        const orphan = async (query: string) => Number((await pgClient.query(query)).rows[0].n);
        assert.equal(
          await orphan(`select count(*) n from users u where not exists (select 1 from identities i where i.user_id = u.id)`),
          0,
        );
        assert.equal(await orphan(`select count(*) n from sessions s where not exists (select 1 from users u where u.id = s.user_id)`), 0);
        const accounts = await orphan(`select count(*) n from userpass_accounts`);
        const registered = await orphan(`select count(*) n from audit_events where type = 'register' and result = 'ok'`);
        assert.equal(accounts, registered, "each account committed with its audit event");
        assert.ok(accounts >= acked.length);
      } finally {
        await pgClient.end();
      }

      const count = (list: Outcome[], pred: (o: Outcome) => boolean) => list.filter(pred).length;
      const ms = (n: number) => `${Math.round(n)} ms`;
      const timeline = [
        `--workers ${workers}`,
        `requests answered: ${outcomes.length} (${count(outcomes, ok)} 2xx, ${count(outcomes, (o) => o.status === 503)} × 503, 0 other, 0 past ${BOUND_MS} ms)`,
        `registrations acknowledged: ${acked.length}, all log in after the restart`,
        `pg_ctl stop -m fast: sent at ${ms(stopSent)}, down at ${ms(stopped)}; /readyz 503 at ${ms(notReadyAt)}`,
        `during the outage: ${duringOutage.length} requests, all 503; slowest 503 answered in ${ms(slowest503)}`,
        `pg_ctl start: sent at ${ms(startSent)}, accepting at ${ms(started)}; /readyz 200 at ${ms(readyAgainAt)} ` +
          `(${ms(readyAgainAt - started)} after), first request succeeding answered at ${ms(firstSuccessAfter.answered)} ` +
          `(${ms(firstSuccessAfter.answered - started)} after)`,
      ];
      for (const line of timeline) t.diagnostic(line);
    });
  }
});
