/** `gatehouse admin-keys create|list|delete`, driven as a subprocess against real databases. */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { cli, runCli } from "../helpers/cli.js";
import { call, todoApp } from "../helpers/server.js";

/** Runs the CLI to completion. */
function run(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [cli, ...args], { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("exit", (code) => resolve({ code, stdout, stderr }));
  });
}

describe("gatehouse admin-keys", () => {
  let dir: string;
  before(async () => {
    assert.ok(existsSync(cli), "build first (npm test builds)");
    dir = await mkdtemp(join(tmpdir(), "gatehouse-keys-"));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it("create --json prints exactly {username, apiKey}, creating and migrating a new database", async () => {
    const db = `sqlite:${join(dir, "new/sub/ops.db")}`;
    const created = await run(["admin-keys", "create", "--db", db, "--name", "ci-bot", "--json"]);
    assert.equal(created.code, 0, created.stderr);
    const lines = created.stdout.trim().split("\n");
    assert.equal(lines.length, 1);
    const key = JSON.parse(lines[0]!);
    assert.deepEqual(Object.keys(key), ["username", "apiKey"]);
    assert.match(key.username, /^[a-z]{8}$/);
    assert.match(key.apiKey, /^[0-9a-f-]{36}$/);
    assert.ok(existsSync(join(dir, "new/sub/ops.db")));

    const list = await run(["admin-keys", "list", "--db", db]);
    assert.equal(list.code, 0);
    assert.match(list.stdout, /^USERNAME\s+NAME\s+CREATED\s+LAST USED$/m);
    assert.match(list.stdout, new RegExp(`^${key.username}\\s+ci-bot\\s+just now\\s+never$`, "m"));
    assert.ok(!list.stdout.includes(key.apiKey), "the private part is never listed");
    const json = JSON.parse((await run(["admin-keys", "list", "--db", db, "--json"])).stdout);
    assert.equal(json[0].username, key.username);

    // The key logs in to a server over the same database; after delete it does not.
    const server = runCli(["serve", "--app", todoApp, "--db", db, "--port", "0", "--log-level", "warn"]);
    try {
      const url = await server.listening;
      assert.match(server.output().stdout, /admin API group id: [0-9a-f]{24}/);
      const login = () => call(`${url}/api/admin/v3.0/auth/providers/mongodb-cloud/login`, { body: key });
      assert.equal((await login()).status, 200);
      const deleted = await run(["admin-keys", "delete", "--db", db, key.username]);
      assert.equal(deleted.code, 0, deleted.stderr);
      assert.equal((await login()).status, 401);
    } finally {
      server.child.kill("SIGTERM");
      await server.exited;
    }
  });

  it("create without --json says the key is shown once; delete of an unknown key exits 3", async () => {
    const db = `sqlite:${join(dir, "b.db")}`;
    const created = await run(["admin-keys", "create", "--db", db]);
    assert.equal(created.code, 0);
    assert.match(created.stdout, /^apiKey: +[0-9a-f-]{36}$/m);
    assert.match(created.stdout, /shown only now/);
    const missing = await run(["admin-keys", "delete", "--db", db, "nosuchkey"]);
    assert.equal(missing.code, 3);
    assert.match(missing.stderr, /no operator key 'nosuchkey'/);
    const noDb = await run(["admin-keys", "list"], { GATEHOUSE_DB: "" });
    assert.notEqual(noDb.code, 0);
  });
});
