/**
 * Closing a server waits for the request handlers still running, including those whose clients have gone:
 * Node's `server.close()` waits only for connections. Logins queued behind argon2id when their clients
 * hang up still get their session and their audit event, and nothing reaches a closed store.
 */
import assert from "node:assert/strict";
import { request, type ClientRequest } from "node:http";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import Database from "better-sqlite3";
import Fastify from "fastify";
import { argon2Load } from "../../src/auth/password.js";
import { inFlightHandlers, trackHandlers } from "../../src/http/in-flight.js";
import { call, startTestServer } from "../helpers/server.js";
import { until } from "../helpers/until.js";

/** Sends a POST and returns the request, whose socket the caller destroys: a client that gives up. */
function sendAndAbandon(port: number, path: string, body: unknown): ClientRequest {
  const req = request({ host: "127.0.0.1", port, method: "POST", path, headers: { "content-type": "application/json" }, agent: false });
  req.on("error", () => {}); // the socket is destroyed on purpose
  req.end(JSON.stringify(body));
  return req;
}

describe("closing a server", () => {
  it("lets logins whose clients hung up finish: their sessions and audit events are written", async () => {
    const dir = mkdtempSync(join(tmpdir(), "gatehouse-drain-"));
    const file = join(dir, "gatehouse.db");
    // Eight passes instead of two: a hash then takes ~40 ms, so all six logins below are in line before the
    // first finishes even when other tests load the machine. At the default (~10 ms) a slow arrival let the
    // first hashes end before the last login came, and the wait below never saw all six at once.
    const server = await startTestServer({ db: `sqlite:${file}`, config: { passwordHashing: { memoryCost: 19_456, timeCost: 8 } } });
    const email = "drain@example.com";
    const password = "drain-password-1";
    const api = `${server.api}/app/todo-gatehouse/auth/providers/local-userpass`;
    assert.equal((await call(`${api}/register`, { body: { email, password } })).status, 201);
    const login = await call(`${api}/login`, { body: { username: email, password } });
    assert.equal(login.status, 200, login.text);
    const userId = (login.body as { user_id: string }).user_id;

    // More logins than argon2 threads: some wait in line, so the close below starts while they run.
    const logins = 6;
    const before = argon2Load();
    const path = `${new URL(api).pathname}/login`;
    const requests = Array.from({ length: logins }, () => sendAndAbandon(server.port, path, { username: email, password }));
    await until("every login to reach argon2id", () => {
      const load = argon2Load();
      return load.running + load.waiting - (before.running + before.waiting) >= logins;
    });
    assert.ok(argon2Load().waiting > 0, "some logins are still queued when the clients hang up");
    assert.equal(inFlightHandlers(server.http)?.count, logins, "the app's route handlers are counted");
    for (const req of requests) req.destroy();
    await server.close();

    const db = new Database(file, { readonly: true });
    try {
      const sessions = db.prepare("select count(*) as n from sessions where user_id = ?").get(userId) as { n: number };
      const audited = db
        .prepare("select count(*) as n from audit_events where user_id = ? and type = 'login' and result = 'ok'")
        .get(userId) as { n: number };
      assert.equal(sessions.n, 1 + logins, "every login's session");
      assert.equal(audited.n, 1 + logins, "every login's audit event");
    } finally {
      db.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("counts a handler until it settles, not until its client leaves, and gives up after the timeout", async () => {
    const app = Fastify({ forceCloseConnections: true });
    trackHandlers(app);
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    app.get("/held", async () => {
      await held;
      return { done: true };
    });
    app.get("/quick", async () => ({ quick: true }));
    await app.listen({ port: 0, host: "127.0.0.1" });
    const handlers = inFlightHandlers(app)!;
    try {
      const base = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
      assert.equal((await fetch(`${base}/quick`)).status, 200);
      assert.equal(handlers.count, 0, "a finished handler is not counted");

      const abort = new AbortController();
      const abandoned = fetch(`${base}/held`, { signal: abort.signal }).catch((error: Error) => error.name);
      await until("the held handler to run", () => handlers.count === 1);
      abort.abort();
      assert.equal(await abandoned, "AbortError");
      assert.equal(handlers.count, 1, "the client left; the handler still runs");
      assert.equal(await handlers.settled(20), false, "not settled within the timeout");

      const settled = handlers.settled(20_000);
      release();
      assert.equal(await settled, true);
      assert.equal(handlers.count, 0);
      assert.equal(await handlers.settled(0), true, "nothing running: settled at once");
    } finally {
      release();
      await app.close();
    }
  });
});
