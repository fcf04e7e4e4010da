import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { runCli } from "../helpers/cli.js";
import { connectionsOnTwoWorkers, PinnedConnection } from "../helpers/pinned.js";
import { scrape } from "../helpers/prometheus.js";
import { todoApp } from "../helpers/server.js";

const APP = "todo-gatehouse";
const anonPath = `/api/client/v2.0/app/${APP}/auth/providers/anon-user/login`;
const PER_IP = 6;

/** Resolves when the CLI's stdout has printed a line matching `pattern` (now or later). */
function printed(cli: ReturnType<typeof runCli>, pattern: RegExp): Promise<RegExpExecArray> {
  return new Promise((resolve, reject) => {
    const check = () => {
      const match = pattern.exec(cli.output().stdout);
      if (match) {
        cli.child.stdout!.off("data", check);
        resolve(match);
      }
    };
    cli.child.stdout!.on("data", check);
    void cli.exited.then(() => reject(new Error(`exited before printing ${pattern}: ${cli.output().stderr}`)));
    check();
  });
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe("gatehouse serve --workers 2 (SQLite)", () => {
  let dir: string;
  let cli: ReturnType<typeof runCli>;
  let url: string;
  let port: number;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "gatehouse-workers-"));
    const config = join(dir, "config.json");
    await writeFile(config, JSON.stringify({ rateLimits: { enabled: true, perIp: PER_IP, windowSeconds: 3600 } }));
    cli = runCli(
      ["serve", "--app", todoApp, "--db", `sqlite:${join(dir, "g.db")}`, "--port", "0", "--host", "127.0.0.1", "--config", config],
      { GATEHOUSE_WORKERS: "2", GATEHOUSE_LOG_LEVEL: "warn" },
    );
    url = await cli.listening;
    port = Number(new URL(url).port);
  });
  after(async () => {
    if (cli.child.exitCode === null) {
      cli.child.kill("SIGTERM");
      await cli.exited;
    }
    await rm(dir, { recursive: true, force: true });
  });

  it("shares state: log in on one worker, refresh and read the profile on the other", async () => {
    const [a, b] = await connectionsOnTwoWorkers(port);
    try {
      assert.notEqual(await a.pid(), await b.pid());
      const login = await a.send("POST", anonPath, { body: {} });
      assert.equal(login.status, 200);
      const refreshed = await b.send("POST", "/api/client/v2.0/auth/session", { token: login.body.refresh_token });
      assert.equal(refreshed.status, 201);
      const profile = await b.send("GET", "/api/client/v2.0/auth/profile", { token: refreshed.body.access_token });
      assert.equal(profile.status, 200);
      assert.equal(profile.body.user_id, login.body.user_id);
      // A logout on one is seen by the other.
      assert.equal((await a.send("DELETE", "/api/client/v2.0/auth/session", { token: login.body.refresh_token })).status, 204);
      assert.equal((await b.send("POST", "/api/client/v2.0/auth/session", { token: login.body.refresh_token })).status, 401);
    } finally {
      a.close();
      b.close();
    }
  });

  it("counts one rate limit across both workers, and /metrics aggregates both", async () => {
    const [a, b] = await connectionsOnTwoWorkers(port);
    try {
      const before = await scrape(url);
      // The first test spent one anonymous login of this IP's window.
      const statuses: number[] = [];
      for (let i = 0; i < PER_IP + 3; i++) statuses.push((await (i % 2 === 0 ? a : b).send("POST", anonPath, { body: {} })).status);
      const served = statuses.filter((s) => s === 200).length;
      assert.equal(served, PER_IP - 1, `statuses ${statuses.join(",")}`);
      assert.deepEqual(statuses.slice(served), [429, 429, 429, 429]);
      const now = await scrape(url);
      const logins = (result: string) =>
        now.value("gatehouse_logins_total", { provider: "anon-user", result }) -
        before.value("gatehouse_logins_total", { provider: "anon-user", result });
      assert.equal(logins("ok"), PER_IP - 1, "logins on both workers counted");
      assert.equal(logins("tooManyRequests"), 4);
      assert.equal(now.value("gatehouse_workers"), 2);
    } finally {
      a.close();
      b.close();
    }
  });

  it("replaces a killed worker, logs it, and keeps serving", async () => {
    const victim = new PinnedConnection(port);
    const pid = await victim.pid();
    victim.close();
    const replaced = printed(cli, new RegExp(`worker (\\d+) \\(pid ${pid}\\) exited with signal SIGKILL; replacing it`));
    process.kill(pid, "SIGKILL");
    const [, slot] = await replaced;
    await printed(cli, new RegExp(`worker ${slot} \\(pid \\d+\\) is serving again`));
    const [a, b] = await connectionsOnTwoWorkers(port);
    try {
      const pids = [await a.pid(), await b.pid()];
      assert.ok(!pids.includes(pid), "the killed worker is gone");
      assert.equal((await a.send("GET", "/readyz")).status, 200);
      assert.equal((await b.send("GET", "/readyz")).status, 200);
    } finally {
      a.close();
      b.close();
    }
    const metrics = await scrape(url);
    assert.equal(metrics.value("gatehouse_worker_restarts_total", { reason: "signal_SIGKILL" }), 1);
    assert.equal(metrics.value("gatehouse_workers"), 2);
  });

  it("SIGTERM stops every worker and then the supervisor, exit code 0", async () => {
    const [a, b] = await connectionsOnTwoWorkers(port);
    const pids = [await a.pid(), await b.pid()];
    a.close();
    b.close();
    cli.child.kill("SIGTERM");
    assert.equal(await cli.exited, 0);
    for (const pid of pids) assert.equal(alive(pid), false, `worker ${pid} stopped`);
    assert.match(cli.output().stdout, /SIGTERM: stopping 2 workers/);
  });
});
