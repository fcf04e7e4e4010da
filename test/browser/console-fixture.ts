/**
 * The world the console test runs in: a real Gatehouse server (SQLite file, real clock) serving the
 * todo example (auto-confirmed email/password, anonymous users) and an app that confirms by mail
 * (a real SMTP server on loopback) and one with a provider type no build serves, seeded with users over the client API, and an operator key made
 * the way an operator makes one: `gatehouse admin-keys create --json`.
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { startServer, type GatehouseServer } from "../../packages/server/src/index.ts";
import { MailCatcher } from "../../packages/server/test/helpers/smtp.ts";
import { call, repoRoot, todoApp, confirmApp, secondApp } from "../../packages/server/test/helpers/server.ts";

export { call };

/** Email/password users of the todo app, in the order they register. */
export const SEEDED_EMAILS = [
  "alice@example.com",
  "bob@example.com",
  "carol@example.com",
  "carol.jones@example.net",
  "dave@example.org",
  "erin@example.org",
  "frank@example.com",
  "grace@example.com",
];
/** Anonymous users of the todo app (each from its own device). */
export const SEEDED_ANONYMOUS = 5;
/** Wrong-password logins, so the charts have failures to show. */
export const FAILED_LOGINS = 3;
/** Registrations of the mail-confirming app left unconfirmed. */
export const PENDING_EMAILS = ["pending.one@example.com", "pending.two@example.com"];
export const PASSWORD = "console-test-pw";
export const KEY_NAME = "console-e2e";

export interface ConsoleWorld {
  server: GatehouseServer;
  url: string;
  mail: MailCatcher;
  key: { username: string; apiKey: string };
  /** Tokens of each seeded email/password user, from their own login. */
  sessions: Map<string, { access_token: string; refresh_token: string; user_id: string }>;
  close(): Promise<void>;
}

const device = (n: number) => ({
  options: { device: { platform: "chrome", platformVersion: "130", sdkVersion: "2.0.1", appId: `device-${n}` } },
});

export async function startConsoleWorld(): Promise<ConsoleWorld> {
  const dir = await mkdtemp(join(tmpdir(), "gatehouse-console-e2e-"));
  const mail = await new MailCatcher().start();
  const db = `sqlite:${join(dir, "gatehouse.db")}`;
  const server = await startServer({
    apps: [todoApp, confirmApp, secondApp],
    db,
    port: 0,
    host: "127.0.0.1",
    logLevel: "silent",
    config: { rateLimits: { enabled: false }, smtp: mail.settings },
  });
  const api = `${server.url}/api/client/v2.0/app`;
  const sessions: ConsoleWorld["sessions"] = new Map();
  for (const [n, email] of SEEDED_EMAILS.entries()) {
    const provider = `${api}/todo-gatehouse/auth/providers/local-userpass`;
    const reg = await call(`${provider}/register`, { body: { email, password: PASSWORD } });
    assert.equal(reg.status, 201, reg.text);
    const login = await call(`${provider}/login`, { body: { username: email, password: PASSWORD, ...device(n) } });
    assert.equal(login.status, 200, login.text);
    sessions.set(email, login.body);
  }
  for (let n = 0; n < SEEDED_ANONYMOUS; n++) {
    const login = await call(`${api}/todo-gatehouse/auth/providers/anon-user/login`, { body: device(100 + n) });
    assert.equal(login.status, 200, login.text);
  }
  for (let n = 0; n < FAILED_LOGINS; n++) {
    const login = await call(`${api}/todo-gatehouse/auth/providers/local-userpass/login`, {
      body: { username: SEEDED_EMAILS[1], password: "not-the-password" },
    });
    assert.equal(login.status, 401, login.text);
  }
  for (const email of PENDING_EMAILS) {
    const reg = await call(`${api}/confirm-app/auth/providers/local-userpass/register`, { body: { email, password: PASSWORD } });
    assert.equal(reg.status, 201, reg.text);
  }
  // The first key comes from the CLI, straight into the database the server uses.
  const cli = join(repoRoot, "packages/server/dist/cli.js");
  const { stdout } = await promisify(execFile)(process.execPath, [cli, "admin-keys", "create", "--db", db, "--name", KEY_NAME, "--json"]);
  const key = JSON.parse(stdout) as { username: string; apiKey: string };
  assert.deepEqual(Object.keys(key).sort(), ["apiKey", "username"]);
  return {
    server,
    url: server.url,
    mail,
    key,
    sessions,
    async close() {
      await server.close();
      await mail.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
