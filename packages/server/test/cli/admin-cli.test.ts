/**
 * The admin CLI for people (`gatehouse login|apps|users|pending|events`), driven as a subprocess against a
 * real listening server: tables, `--json`, profiles, exit codes, and a bulk delete with its progress bar.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { cli } from "../helpers/cli.js";
import { call, confirmApp, todoApp } from "../helpers/server.js";
import { MailCatcher } from "../helpers/smtp.js";
import { anonUser, startAdminServer, type AdminTestServer } from "../admin/helpers.js";

function run(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const clean = { ...process.env };
    delete clean.GATEHOUSE_ADMIN_URL;
    delete clean.GATEHOUSE_ADMIN_KEY;
    const child = spawn(process.execPath, [cli, ...args], { env: { ...clean, ...env }, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("exit", (code) => resolve({ code, stdout, stderr }));
  });
}

describe("gatehouse admin CLI", () => {
  let server: AdminTestServer;
  let env: Record<string, string>;
  let mail: MailCatcher;
  before(async () => {
    assert.ok(existsSync(cli), "build first (npm test builds)");
    mail = await new MailCatcher().start();
    server = await startAdminServer({ apps: [todoApp, confirmApp], config: { smtp: mail.settings } });
    env = {
      GATEHOUSE_ADMIN_URL: server.url,
      GATEHOUSE_ADMIN_KEY: `${server.key.username}:${server.key.apiKey}`,
      GATEHOUSE_PROFILE: join(server.dir, "profile.json"),
    };
  });
  after(async () => {
    await server.close();
    await mail.stop();
  });

  it("apps list: a table, or JSON", async () => {
    const table = await run(["apps", "list"], env);
    assert.equal(table.code, 0, table.stderr);
    assert.match(table.stdout, /^CLIENT APP ID\s+_ID\s+NAME\s+LOCATION\s+DEPLOYMENT$/m);
    assert.match(table.stdout, /^todo-gatehouse\s+[0-9a-f]{24}\s+todo\s+/m);
    const json = JSON.parse((await run(["apps", "list", "--json"], env)).stdout);
    assert.deepEqual(
      json.map((a: any) => a.client_app_id),
      ["todo-gatehouse", "confirm-app"],
    );
  });

  it("users create, get, list and search: aligned tables with relative times, --json arrays of User objects", async () => {
    const created = await run(
      ["users", "create", "--app", "todo-gatehouse", "--email", "cli-ada@example.com", "--password", "secret-pw", "--json"],
      env,
    );
    assert.equal(created.code, 0, created.stderr);
    const ada = JSON.parse(created.stdout);
    const anon = await anonUser(server, "todo-gatehouse");

    const list = await run(["users", "list", "--app", "todo-gatehouse"], env);
    assert.equal(list.code, 0, list.stderr);
    const lines = list.stdout.trimEnd().split("\n");
    assert.match(lines[0]!, /^ID\s+EMAIL\/NAME\s+TYPE\s+PROVIDERS\s+STATUS\s+CREATED\s+LAST LOGIN$/);
    const header = lines[0]!;
    const adaLine = lines.find((l) => l.startsWith(ada._id))!;
    assert.match(adaLine, /cli-ada@example\.com\s+normal\s+local-userpass\s+enabled\s+just now\s+never$/);
    // Columns line up: every row's STATUS column starts where the header's does.
    const status = header.indexOf("STATUS");
    for (const line of lines.slice(1)) assert.match(line.slice(status), /^(enabled|disabled)/);

    const json = JSON.parse((await run(["users", "search", "--app", "todo-gatehouse", "--provider", "anon-user", "--json"], env)).stdout);
    assert.ok(Array.isArray(json));
    assert.ok(json.some((u: any) => u._id === anon.user_id));
    for (const user of json) {
      assert.deepEqual(Object.keys(user).sort(), [
        "_id",
        "creation_date",
        "data",
        "disabled",
        "domain_id",
        "identities",
        "last_authentication_date",
        "sessions_valid_since",
        "type",
      ]);
      assert.equal(user.identities[0].provider_type, "anon-user");
    }
    const byEmail = JSON.parse((await run(["users", "search", "--app", "todo-gatehouse", "--email", "cli-ada", "--json"], env)).stdout);
    assert.deepEqual(
      byEmail.map((u: any) => u._id),
      [ada._id],
    );
    const details = await run(["users", "get", "--app", "todo-gatehouse", ada._id], env);
    assert.match(details.stdout, /^id\s+[0-9a-f]{24}$/m);
    assert.match(details.stdout, /^identity 1\s+local-userpass /m);
  });

  it("users disable, enable and logout act at once", async () => {
    const session = await anonUser(server, "todo-gatehouse");
    const disabled = await run(["users", "disable", "--app", "todo-gatehouse", session.user_id], env);
    assert.equal(disabled.code, 0, disabled.stderr);
    assert.match(disabled.stdout, /disabled 1 user/);
    assert.equal((await call(`${server.api}/auth/profile`, { token: session.access_token })).status, 401);
    assert.equal((await run(["users", "enable", "--app", "todo-gatehouse", session.user_id], env)).code, 0);
    assert.equal((await run(["users", "logout", "--app", "todo-gatehouse", session.user_id], env)).code, 0);
    const json = JSON.parse((await run(["users", "get", "--app", "todo-gatehouse", session.user_id, "--json"], env)).stdout);
    assert.equal(json.disabled, false);
  });

  it("pending list, confirm and delete", async () => {
    for (const email of ["cli-p1@example.com", "cli-p2@example.com"]) {
      const res = await call(`${server.api}/app/confirm-app/auth/providers/local-userpass/register`, {
        body: { email, password: "secret-pw" },
      });
      assert.equal(res.status, 201, res.text);
    }
    const list = await run(["pending", "list", "--app", "confirm-app"], env);
    assert.equal(list.code, 0, list.stderr);
    assert.match(list.stdout, /^EMAIL\s+REGISTERED$/m);
    assert.match(list.stdout, /^cli-p1@example\.com\s+just now$/m);
    assert.equal((await run(["pending", "confirm", "--app", "confirm-app", "cli-p1@example.com"], env)).code, 0);
    assert.equal((await run(["pending", "delete", "--app", "confirm-app", "cli-p2@example.com"], env)).code, 0);
    const json = JSON.parse((await run(["pending", "list", "--app", "confirm-app", "--json"], env)).stdout);
    assert.deepEqual(json, []);
  });

  it("events shows the audit log with the operator as actor", async () => {
    const events = await run(["events", "--app", "todo-gatehouse", "--type", "disable"], env);
    assert.equal(events.code, 0, events.stderr);
    assert.match(events.stdout, /^WHEN\s+TYPE\s+RESULT\s+USER\s+PROVIDER\s+ACTOR\s+IP$/m);
    assert.match(events.stdout, /just now\s+disable\s+ok\s+[0-9a-f]{24}\s+-\s+test-operator/);
  });

  it("exit codes tell not found (3), refused (4), unreachable (5), usage (2) and rejected (6) apart", async () => {
    const missing = await run(["users", "get", "--app", "todo-gatehouse", "0".repeat(24)], env);
    assert.equal(missing.code, 3);
    assert.match(missing.stderr, /user not found/);
    assert.equal((await run(["users", "list", "--app", "no-such-app"], env)).code, 3);
    const refused = await run(["users", "list", "--app", "todo-gatehouse"], {
      ...env,
      GATEHOUSE_ADMIN_KEY: `${server.key.username}:wrong`,
    });
    assert.equal(refused.code, 4);
    const unreachable = await run(["users", "list", "--app", "todo-gatehouse", "--url", "http://127.0.0.1:9"], env);
    assert.equal(unreachable.code, 5);
    assert.match(unreachable.stderr, /cannot reach/);
    assert.equal((await run(["users", "list"], env)).code, 2, "two apps served: --app is needed");
    assert.equal((await run(["users", "list", "--app", "todo-gatehouse"], { ...env, GATEHOUSE_ADMIN_KEY: "no-colon" })).code, 2);
    const rejected = await run(["users", "create", "--app", "todo-gatehouse", "--email", "x@example.com", "--password", "short"], env);
    assert.equal(rejected.code, 6);
  });

  it("login writes a private profile the other commands use; flags beat it", async () => {
    const profileEnv = { GATEHOUSE_PROFILE: env.GATEHOUSE_PROFILE! };
    const login = await run(["login", "--url", server.url, "--key", env.GATEHOUSE_ADMIN_KEY!], profileEnv);
    assert.equal(login.code, 0, login.stderr);
    const profile = JSON.parse(await readFile(env.GATEHOUSE_PROFILE!, "utf8"));
    assert.equal(profile.url, server.url);
    assert.equal((await stat(env.GATEHOUSE_PROFILE!)).mode & 0o777, 0o600);
    assert.equal((await run(["apps", "list"], profileEnv)).code, 0);
    assert.equal((await run(["apps", "list", "--url", "http://127.0.0.1:9"], profileEnv)).code, 5);
    const badLogin = await run(["login", "--url", server.url, "--key", `${server.key.username}:nope`], {
      GATEHOUSE_PROFILE: join(server.dir, "other.json"),
    });
    assert.equal(badLogin.code, 4);
    assert.ok(!existsSync(join(server.dir, "other.json")), "no profile for a refused key");
  });

  it("users delete --filter … --yes deletes every match with a progress bar; without --yes it only counts", async () => {
    const ids: string[] = [];
    for (let i = 0; i < 120; i++) ids.push((await anonUser(server, "confirm-app", false)).user_id);
    const dry = await run(["users", "delete", "--app", "confirm-app", "--filter", "provider=anon-user"], env);
    assert.equal(dry.code, 0, dry.stderr);
    assert.match(dry.stdout, /^120 users match; run again with --yes/m);
    const bulk = await run(["users", "delete", "--app", "confirm-app", "--filter", "provider=anon-user", "--yes"], env);
    assert.equal(bulk.code, 0, bulk.stderr);
    assert.match(bulk.stdout, /deleted 120 users/);
    assert.match(bulk.stderr, /^deleting 120\/120$/m);
    assert.ok(bulk.stderr.split("\n").filter((l) => l.startsWith("deleting ")).length >= 5, "progress along the way");
    const left = JSON.parse((await run(["users", "search", "--app", "confirm-app", "--provider", "anon-user", "--json"], env)).stdout);
    assert.deepEqual(left, []);
    assert.equal(
      (await run(["users", "delete", "--app", "confirm-app", "--filter", "emial=x", "--yes"], env)).code,
      6,
      "a typo is refused",
    );
  });
});
