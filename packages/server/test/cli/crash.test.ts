import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { it } from "node:test";
import { Store } from "../../src/store/store.js";
import { repoRoot, todoApp } from "../helpers/server.js";

const cli = join(repoRoot, "packages/server/dist/cli.js");

function serve(db: string) {
  const child = spawn(process.execPath, [cli, "serve", "--app", todoApp, "--db", db, "--port", "0", "--log-level", "warn"], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  const url = new Promise<string>((resolve, reject) => {
    let out = "";
    child.stdout!.on("data", (d) => {
      out += d;
      const m = /gatehouse listening on (\S+)/.exec(out);
      if (m) resolve(m[1]!);
    });
    child.on("exit", (code) => reject(new Error(`server exited ${code}`)));
  });
  url.catch(() => {});
  return { child, url };
}

it("kill -9 under registration load loses no acknowledged registration and leaves no half-made account", async () => {
  const dir = await mkdtemp(join(tmpdir(), "gatehouse-crash-"));
  const db = `sqlite:${join(dir, "crash.db")}`;
  try {
    const first = serve(db);
    const url = await first.url;
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
    while (acknowledged.length < 40) await new Promise((r) => setTimeout(r, 20));
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
    const url2 = await second.url;
    const login = await fetch(`${url2}/api/client/v2.0/app/todo-gatehouse/auth/providers/local-userpass/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ username: acknowledged[acknowledged.length - 1], password: "secret1" }),
    });
    assert.equal(login.status, 200);
    second.child.kill("SIGTERM");
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
