// Seeds a Gatehouse SQLite database with N users of the todo app in batched transactions (the schema comes
// from the server's own migrations, run by Store.open), plus an operator key. Used by bench/scale.mjs.
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const serverRequire = createRequire(join(root, "packages/server/package.json"));
const Database = serverRequire("better-sqlite3");
const argon2 = await import(serverRequire.resolve("@node-rs/argon2"));
const dist = (path) => import(pathToFileURL(join(root, "packages/server/dist", path)).href);
const { Store } = await dist("store/store.js");
const { OperatorKeys } = await dist("admin/index.js");
const { AuditLog } = await dist("audit/audit-log.js");

export const YEAR = 365 * 24 * 3600 * 1000;
const APP_ID = "todo-gatehouse";
const PASSWORD = "bench-password-1";
const log = (line = "") => process.stderr.write(`${line}\n`);

/** A 24-hex id that sorts by `seconds` first, like an ObjectId, unique through `serial`. */
const objectId = (seconds, serial) => Math.floor(seconds).toString(16).padStart(8, "0") + serial.toString(16).padStart(16, "0");

/**
 * N users of the todo app: 7 in 10 email/password (one shared real argon2id hash), 3 in 10 anonymous;
 * created over a year, most logged in since, 1 in 100 disabled.
 */
export async function seed(dbPath, n) {
  const store = await Store.open(`sqlite:${dbPath}`);
  const keys = new OperatorKeys(store, { now: () => Date.now() }, new AuditLog(store, { now: () => Date.now() }));
  const key = await keys.create("bench");
  await store.close();
  const hash = await argon2.hash(PASSWORD, { algorithm: 2, memoryCost: 19_456, timeCost: 2, parallelism: 1, outputLen: 32 });
  const db = new Database(dbPath);
  db.pragma("journal_mode = WAL");
  db.pragma("synchronous = OFF");
  const user = db.prepare(
    "insert into users (id, app_id, type, disabled, data, created_at, last_login_at, sessions_valid_since) values (?, ?, 'normal', ?, ?, ?, ?, ?)",
  );
  const identity = db.prepare(
    "insert into identities (app_id, provider_type, external_id, user_id, provider_name, provider_data, created_at) values (?, ?, ?, ?, ?, ?, ?)",
  );
  const account = db.prepare(
    "insert into userpass_accounts (id, app_id, email, email_key, password_hash, confirmed, created_at, updated_at) values (?, ?, ?, ?, ?, 1, ?, ?)",
  );
  const start = Date.now() - YEAR;
  const ids = [];
  const batch = db.transaction((from, to) => {
    for (let i = from; i < to; i++) {
      const created = start + Math.floor((i / n) * YEAR);
      const id = objectId(created / 1000, 2 * i);
      const lastLogin = i % 10 === 9 ? null : created + ((i * 7919) % (30 * 24 * 3600)) * 1000;
      const email = i % 10 < 7 ? `user${i}@example${i % 100}.com` : undefined;
      user.run(id, APP_ID, i % 100 === 0 ? 1 : 0, email ? JSON.stringify({ email }) : "{}", created, lastLogin, created);
      const external = objectId(created / 1000, 2 * i + 1);
      if (email) {
        account.run(external, APP_ID, email, email, hash, created, created);
        identity.run(APP_ID, "local-userpass", external, id, "local-userpass", JSON.stringify({ email }), created);
      } else {
        identity.run(APP_ID, "anon-user", external, id, "anon-user", "{}", created);
      }
      if (i % Math.max(1, Math.floor(n / 2000)) === 0) ids.push(id);
    }
  });
  const t0 = performance.now();
  for (let from = 0; from < n; from += 10_000) {
    batch(from, Math.min(n, from + 10_000));
    if (n >= 100_000 && from % 100_000 === 0) log(`  seeded ${from.toLocaleString("en-US")} users`);
  }
  db.exec("analyze");
  db.close();
  return { key, ids, seconds: (performance.now() - t0) / 1000, start };
}
