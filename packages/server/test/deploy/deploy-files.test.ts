import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { after, before, describe, it } from "node:test";
import Database from "better-sqlite3";
import { parse as parseYaml } from "yaml";
import { resolveServerConfig } from "../../src/index.js";
import { waitFor } from "../helpers/load.js";
import { freshPostgresSchema } from "../helpers/postgres.js";
import { requirement } from "../../../../test/support/requirements.mjs";
import { repoRoot } from "../helpers/server.js";
import { freePort } from "../helpers/throwaway-postgres.js";
import { dockerEnv, execForm, finalStage, interpolate, parseDockerfile, run, runToEnd, type Running } from "./deploy-files.js";

/**
 * deploy/Dockerfile, deploy/compose.yaml and the systemd unit and backup commands of docs/deploying.md:
 * parsed, checked for consistency, and their command lines run here the way a container or systemd runs
 * them (there is no container engine on this machine). Only what cannot be the same outside a container
 * is mapped: image paths to the checkout and a temp dir, fixed ports to free ones, the database host.
 */
const deployDir = join(repoRoot, "deploy");
const guide = readFile(join(repoRoot, "docs/deploying.md"), "utf8");
const requireIn = (what: string, ok: boolean) => {
  if (ok) return undefined;
  const reason = `SKIPPED: ${what}`;
  if (process.env.CI === "true") throw new Error(`${reason} — required under CI=true`);
  console.error(`\n*** ${reason} ***\n`);
  return reason;
};

/** Replaces path prefixes and the port in every string. */
function mapper(paths: [string, string][], port: { from: string; to: string }) {
  return (value: string) => {
    let out = value;
    for (const [from, to] of paths) out = out.split(from).join(to);
    return out
      .split(`:${port.from}`)
      .join(`:${port.to}`)
      .replace(new RegExp(`^${port.from}$`), port.to);
  };
}

async function stop(server: Running, signal: NodeJS.Signals = "SIGTERM"): Promise<number | null> {
  server.child.kill(signal);
  return server.exited;
}

describe("deploy/Dockerfile and deploy/compose.yaml", () => {
  let dir: string;
  const dockerfile = readFile(join(deployDir, "Dockerfile"), "utf8").then(parseDockerfile);
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "gatehouse-deploy-"));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it("the Dockerfile: two stages, an unprivileged runtime, exec-form CMD and HEALTHCHECK, the port it exposes", async () => {
    const all = await dockerfile;
    assert.equal(all.filter((i) => i.instruction === "FROM").length, 2);
    const stage = finalStage(all);
    const env = dockerEnv(stage);
    assert.equal(stage.find((i) => i.instruction === "USER")?.args, "node");
    assert.equal(stage.find((i) => i.instruction === "EXPOSE")?.args, env.GATEHOUSE_PORT);
    assert.equal(stage.find((i) => i.instruction === "STOPSIGNAL")?.args, "SIGTERM");
    const cmd = execForm(stage.find((i) => i.instruction === "CMD")!.args);
    assert.equal(cmd[1], "packages/server/bin/gatehouse.cjs");
    assert.ok(existsSync(join(repoRoot, cmd[1]!)));
    const health = stage.find((i) => i.instruction === "HEALTHCHECK")!.args;
    assert.match(health, /^(--\S+\s+)*CMD \[/);
    // Every COPY source of the build stage exists in the checkout (the image is built from it).
    for (const copy of all.filter((i) => i.instruction === "COPY" && !i.args.startsWith("--from"))) {
      for (const source of copy.args.split(/\s+/).slice(0, -1)) assert.ok(existsSync(join(repoRoot, source)), source);
    }
  });

  it("the image's CMD serves with the image's environment (SQLite), its HEALTHCHECK passes, SIGTERM stops it cleanly", async () => {
    const stage = finalStage(await dockerfile);
    const port = String(await freePort());
    const map = mapper(
      [
        ["/app/", `${repoRoot}/`],
        ["/var/lib/gatehouse", join(dir, "image-data")],
      ],
      { from: "9090", to: port },
    );
    const env = Object.fromEntries(Object.entries(dockerEnv(stage)).map(([k, v]) => [k, map(v)]));
    const options = { cwd: repoRoot, env };
    const server = run(execForm(stage.find((i) => i.instruction === "CMD")!.args).map(map), options);
    const health = execForm(stage.find((i) => i.instruction === "HEALTHCHECK")!.args.replace(/^.*?CMD /, "")).map(map);
    try {
      await waitFor(async () => (await runToEnd(health, options)) === 0, `the HEALTHCHECK (${server.output()})`);
      assert.equal(existsSync(join(dir, "image-data/gatehouse.db")), true, "the database is where the image says");
    } finally {
      assert.equal(await stop(server), 0, server.output());
    }
  });

  it("compose.yaml: Gatehouse waits for a healthy PostgreSQL whose credentials its URL uses; its files exist", async () => {
    const compose = parseYaml(await readFile(join(deployDir, "compose.yaml"), "utf8"));
    const { postgres, gatehouse } = compose.services;
    const env = { POSTGRES_PASSWORD: "pw-from-env" };
    const url = new URL(interpolate(gatehouse.environment.GATEHOUSE_DB, env));
    assert.equal(url.hostname, "postgres", "the database host is the compose service");
    assert.equal(url.username, postgres.environment.POSTGRES_USER);
    assert.equal(url.password, interpolate(postgres.environment.POSTGRES_PASSWORD, env));
    assert.equal(url.pathname, `/${postgres.environment.POSTGRES_DB}`);
    assert.equal(gatehouse.depends_on.postgres.condition, "service_healthy");
    assert.equal(postgres.healthcheck.test[0], "CMD");
    assert.throws(() => interpolate(gatehouse.environment.GATEHOUSE_DB, {}), /POSTGRES_PASSWORD is required/);
    assert.ok(existsSync(resolve(deployDir, gatehouse.build.context, gatehouse.build.dockerfile)));
    const [source, target] = (gatehouse.volumes[0] as string).split(":");
    assert.equal(target, gatehouse.environment.GATEHOUSE_CONFIG);
    const config = JSON.parse(await readFile(resolve(deployDir, source!), "utf8"));
    assert.doesNotThrow(() => resolveServerConfig(config));
    assert.ok(gatehouse.expose.includes(String(config.metrics.port)));
  });

  const skipPostgres = requirement("postgres");
  it(
    "compose's command runs with compose's environment over PostgreSQL: ready, metrics on their own port",
    { skip: skipPostgres },
    async () => {
      const compose = parseYaml(await readFile(join(deployDir, "compose.yaml"), "utf8"));
      const { gatehouse } = compose.services;
      const stage = finalStage(await dockerfile);
      const schema = await freshPostgresSchema();
      const port = String(await freePort());
      const metricsPort = await freePort();
      // The mounted config, with its fixed metrics port moved to a free one.
      const [source, target] = (gatehouse.volumes[0] as string).split(":");
      const config = JSON.parse(await readFile(resolve(deployDir, source!), "utf8"));
      const mountedConfig = join(dir, "config.json");
      await writeFile(mountedConfig, JSON.stringify({ ...config, metrics: { ...config.metrics, port: metricsPort, host: "127.0.0.1" } }));
      const map = mapper(
        [
          ["/app/", `${repoRoot}/`],
          [target!, mountedConfig],
          ["/var/lib/gatehouse", join(dir, "compose-data")],
        ],
        { from: "9090", to: port },
      );
      const composeEnv = Object.fromEntries(
        Object.entries(gatehouse.environment as Record<string, string>).map(([k, v]) => [
          k,
          map(interpolate(v, { POSTGRES_PASSWORD: "x" })),
        ]),
      );
      const env = { ...Object.fromEntries(Object.entries(dockerEnv(stage)).map(([k, v]) => [k, map(v)])), ...composeEnv };
      env.GATEHOUSE_DB = schema.url; // the `postgres` service's place
      const options = { cwd: repoRoot, env };
      const server = run((gatehouse.command as string[]).map(map), options);
      try {
        const health = (gatehouse.healthcheck.test as string[]).slice(1).map(map);
        await waitFor(async () => (await runToEnd(health, options)) === 0, `compose's healthcheck (${server.output()})`);
        assert.match(server.output(), /starting 2 workers/);
        // The supervisor opens the metrics port once every worker serves (the health check passes with one).
        await server.printed(/gatehouse listening on .* \(2 workers\)/);
        assert.equal((await fetch(`http://127.0.0.1:${port}/metrics`)).status, 404, "metrics are not on the serving port");
        const metrics = await fetch(`http://127.0.0.1:${metricsPort}/metrics`);
        assert.equal(metrics.status, 200);
        assert.match(await metrics.text(), /gatehouse_workers 2/);
      } finally {
        assert.equal(await stop(server), 0, server.output());
        await schema.drop();
      }
    },
  );
});

describe("docs/deploying.md: the systemd unit and the SQLite backup", () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "gatehouse-systemd-"));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  const skipSqlite = requireIn("no sqlite3 command (Debian package sqlite3): the backup commands need it", hasSqlite3());
  it("ExecStart with the unit's Environment serves; the backup commands copy a live database intact", { skip: skipSqlite }, async () => {
    const text = await guide;
    const unit = /```ini\n([\s\S]*?)```/.exec(text)![1]!;
    const port = String(await freePort());
    const paths: [string, string][] = [
      ["/opt/gatehouse", repoRoot],
      ["/var/lib/gatehouse", join(dir, "lib")],
      ["/etc/gatehouse", join(dir, "etc")],
      ["/var/backups/gatehouse", join(dir, "backups")],
      ["/usr/bin/node", "node"],
    ];
    const map = mapper(paths, { from: "9090", to: port });
    await mkdir(join(dir, "etc"));
    await mkdir(join(dir, "backups"));
    await writeFile(join(dir, "etc/config.json"), "{}");
    const env: Record<string, string> = {};
    for (const [, name, value] of unit.matchAll(/^Environment=(\w+)=(.*)$/gm)) env[name!] = map(value!);
    const execStart = map(/^ExecStart=(.*)$/m.exec(unit)![1]!).split(" ");
    const cwd = map(/^WorkingDirectory=(.*)$/m.exec(unit)![1]!);
    assert.equal(/^KillSignal=(.*)$/m.exec(unit)![1], "SIGTERM");
    const server = run(execStart, { cwd, env });
    try {
      await waitFor(async () => (await fetch(`http://127.0.0.1:${port}/readyz`)).status === 200, `the unit's server (${server.output()})`);
      const register = await fetch(`http://127.0.0.1:${port}/api/client/v2.0/app/todo-gatehouse/auth/providers/local-userpass/register`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ email: "backup@example.com", password: "backup-password" }),
      });
      assert.equal(register.status, 201);
      // The guide's backup block, line by line, while the server runs.
      const backup = /```sh\n(sqlite3[\s\S]*?)```/.exec(text)![1]!.trim().split("\n");
      const results = backup.map((line) => execFileSync("sh", ["-c", map(line)], { encoding: "utf8" }).trim());
      assert.equal(results.at(-1), "ok", "pragma integrity_check of the backup");
      const copy = new Database(join(dir, "backups/gatehouse.db"), { readonly: true });
      try {
        const row = copy.prepare("select email from userpass_accounts").get() as { email: string } | undefined;
        assert.equal(row?.email, "backup@example.com");
      } finally {
        copy.close();
      }
    } finally {
      assert.equal(await stop(server), 0, server.output());
    }
  });
});

function hasSqlite3(): boolean {
  try {
    execFileSync("sqlite3", ["-version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}
