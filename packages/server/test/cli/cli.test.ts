import assert from "node:assert/strict";
import type { ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, mkdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { cli, runCli } from "../helpers/cli.js";
import { jwtClaims, socialApp, todoApp } from "../helpers/server.js";

describe("gatehouse CLI", () => {
  let dir: string;
  before(async () => {
    assert.ok(existsSync(cli), "build first (npm test builds)");
    dir = await mkdtemp(join(tmpdir(), "gatehouse-cli-"));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it("serves an app, reports it, and stops cleanly on SIGTERM", async () => {
    const run = runCli(["serve", "--app", todoApp, "--db", `sqlite:${join(dir, "a.db")}`, "--port", "0", "--log-level", "warn"]);
    const url = await run.listening;
    const res = await fetch(`${url}/api/client/v2.0/app/todo-gatehouse/auth/providers/anon-user/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{}",
    });
    assert.equal(res.status, 200);
    assert.match(run.output().stdout, /app todo-gatehouse/);
    assert.match(run.output().stdout, /provider api-key: disabled/);
    (run.child as ChildProcess).kill("SIGTERM");
    assert.equal(await run.exited, 0);
    assert.ok(existsSync(join(dir, "a.db")));
  });

  it("takes its settings from environment variables", async () => {
    const run = runCli(["serve", "--log-level", "warn"], {
      GATEHOUSE_APPS: todoApp,
      GATEHOUSE_DB: `sqlite:${join(dir, "env.db")}`,
      GATEHOUSE_PORT: "0",
      GATEHOUSE_PUBLIC_URL: "https://auth.example.com",
    });
    const url = await run.listening;
    const location = await (await fetch(`${url}/api/client/v2.0/app/todo-gatehouse/location`)).json();
    assert.equal(location.hostname, "https://auth.example.com");
    assert.equal(location.ws_hostname, "wss://auth.example.com");
    run.child.kill("SIGINT");
    assert.equal(await run.exited, 0);
  });

  it("reads secrets and limits from a config file", async () => {
    const config = join(dir, "server.json");
    await writeFile(
      config,
      JSON.stringify({
        sessions: { refreshTokenLifetimeSeconds: 3600 },
        apps: { "todo-gatehouse": { signingKeys: [{ kid: "ops-1", secret: "x".repeat(40) }] } },
      }),
    );
    const run = runCli([
      "serve",
      "--app",
      todoApp,
      "--db",
      `sqlite:${join(dir, "c.db")}`,
      "--port",
      "0",
      "--config",
      config,
      "--log-level",
      "warn",
    ]);
    const url = await run.listening;
    const login = await (
      await fetch(`${url}/api/client/v2.0/app/todo-gatehouse/auth/providers/anon-user/login`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: "{}",
      })
    ).json();
    const header = jwtClaims(login.access_token, 0);
    assert.equal(header.kid, "ops-1");
    run.child.kill("SIGTERM");
    assert.equal(await run.exited, 0);
  });

  it("fails at start-up naming the file and field of an invalid app directory", async () => {
    const bad = join(dir, "bad-app");
    await mkdir(join(bad, "auth"), { recursive: true });
    await writeFile(join(bad, "realm_config.json"), JSON.stringify({ app_id: "bad-app", name: "bad" }));
    await writeFile(
      join(bad, "auth/providers.json"),
      JSON.stringify({ "anon-user": { name: "anon-user", type: "anon-user", disabled: "yes" } }),
    );
    const run = runCli(["serve", "--app", bad, "--db", `sqlite:${join(dir, "b.db")}`, "--port", "0"]);
    const code = await run.exited;
    assert.equal(code, 1);
    assert.match(run.output().stderr, /providers\.json/);
    assert.match(run.output().stderr, /disabled/);
  });

  it("refuses a serve without apps, and a bad port, with exit code 2", async () => {
    const noApp = runCli(["serve", "--db", `sqlite:${join(dir, "n.db")}`], { GATEHOUSE_APPS: "" });
    assert.equal(await noApp.exited, 2);
    assert.match(noApp.output().stderr, /no app/);
    const badPort = runCli(["serve", "--app", todoApp, "--port", "eighty"]);
    assert.equal(await badPort.exited, 2);
  });

  it("check reports what it serves of an export without starting", async () => {
    const run = runCli(["check", socialApp]);
    assert.equal(await run.exited, 0);
    assert.match(run.output().stdout, /app social-app/);
    assert.match(run.output().stdout, /provider custom-sso \(oauth2-custom-sso\): not supported yet/);
    assert.match(run.output().stdout, /provider anon-user: enabled/);
  });
});
