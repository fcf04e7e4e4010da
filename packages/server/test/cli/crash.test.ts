import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { it } from "node:test";
import { Store } from "../../src/store/store.js";
import { runCli } from "../helpers/cli.js";
import { todoApp } from "../helpers/server.js";

const serve = (db: string) => runCli(["serve", "--app", todoApp, "--db", db, "--port", "0", "--log-level", "warn"]);

it("kill -9 under registration load loses no acknowledged registration and leaves no half-made account", async () => {
  const dir = await mkdtemp(join(tmpdir(), "gatehouse-crash-"));
  const db = `sqlite:${join(dir, "crash.db")}`;
  const servers: ReturnType<typeof serve>[] = [];
  try {
    const first = serve(db);
    servers.push(first);
    const url = await first.listening;
    const acknowledged: string[] = [];
    let stop = false;
    const worker = async (w: number) => {
      for (let i = 0; !stop; i++) {
        const email = `w${w}-${i}@example.com`;
        try {
          const res = await fetch(`${url}/api/client/v2.0/app/todo-gatehouse/auth/providers/local-userpass/register`, {
            method: "POST",
            headers: { "content-type": "application/json" },
            body: JSON.stringify({ email, password: "secret1" }),
          });
          if (res.status === 201) acknowledged.push(email);
        } catch {
          return; // the server is gone
        }
      }
    };
    const workers = Array.from({ length: 8 }, (_, w) => worker(w));
    const deadline = Date.now() + 30_000;
    while (acknowledged.length < 40) {
      assert.ok(Date.now() < deadline, `only ${acknowledged.length} registrations acknowledged in 30 s`);
      await new Promise((r) => setTimeout(r, 20));
    }
    first.child.kill("SIGKILL");
    stop = true;
    await Promise.all(workers);

    const store = await Store.open(db);
    try {
      for (const email of acknowledged) {
        const account = await store.accounts.findByEmailKey("todo-gatehouse", email);
        assert.ok(account, `acknowledged registration of ${email} was lost`);
        assert.equal(account.confirmed, true);
      }
      // Every account row that exists is whole: a password hash and a confirmed state, nothing partial.
      const rows = await store.db.selectFrom("userpass_accounts").selectAll().execute();
      for (const row of rows) assert.match(row.password_hash, /^\$argon2id\$/);
    } finally {
      await store.close();
    }

    const second = serve(db);
    servers.push(second);
    const url2 = await second.listening;
    const login = await fetch(`${url2}/api/client/v2.0/app/todo-gatehouse/auth/providers/local-userpass/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ username: acknowledged[acknowledged.length - 1], password: "secret1" }),
    });
    assert.equal(login.status, 200);
  } finally {
    for (const server of servers) server.child.kill("SIGKILL");
    await rm(dir, { recursive: true, force: true });
  }
});
