// Seeds a Gatehouse PostgreSQL schema with N users of the todo app, each with one session, generated inside
// the database (generate_series, one statement per million rows and table) instead of sent row by row: ten
// million users take minutes, not hours. The schema comes from the server's own migrations (Store.open); the
// secondary indexes of the seeded tables are dropped for the load and built again after it, which is much
// faster than growing them row by row. The user-count trigger (store/user-counts.ts: one delta row per user on
// PostgreSQL) is switched off inside each chunk's transaction and the chunk's users are added to the counter
// in the same transaction instead, so the count stays exact and ten million delta rows are never written.
// Used by bench/scale.mjs with --db.
//
// The same population as bench/seed-users.mjs (7 in 10 email/password with one shared argon2id hash, 3 in
// 10 anonymous, created over a year, 1 in 100 disabled), plus what housekeeping and retention have to
// reclaim while the bench measures: 1 session in 10 expired and 1 in 50 revoked, anonymous users inactive
// past the 90-day retention, and N/10 audit events older than theirs.
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath, pathToFileURL } from "node:url";
import { YEAR } from "./seed-users.mjs";

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const serverRequire = createRequire(join(root, "packages/server/package.json"));
const pg = serverRequire("pg");
const argon2 = await import(serverRequire.resolve("@node-rs/argon2"));
const dist = (path) => import(pathToFileURL(join(root, "packages/server/dist", path)).href);
const { Store } = await dist("store/store.js");
const { OperatorKeys } = await dist("admin/index.js");
const { AuditLog } = await dist("audit/audit-log.js");

const APP_ID = "todo-gatehouse";
const PASSWORD = "bench-password-1";
const CHUNK = 1_000_000;
const DAY = 24 * 3600 * 1000;
const TABLES = ["users", "identities", "userpass_accounts", "sessions", "audit_events"];
const log = (line = "") => process.stderr.write(`${line}\n`);

// The ids bench/seed-users.mjs makes (24 hex digits, seconds first, like an ObjectId), in SQL: user 2i,
// its identity 2i+1; sessions take an 'e' after the seconds, so they never equal a user id.
const hexSeconds = "lpad(to_hex(c / 1000), 8, '0')";
const userId = `${hexSeconds} || lpad(to_hex(2 * i), 16, '0')`;
const externalId = `${hexSeconds} || lpad(to_hex(2 * i + 1), 16, '0')`;
const sessionId = `${hexSeconds} || 'e' || lpad(to_hex(i), 15, '0')`;
const email = `'user' || i || '@example' || (i % 100) || '.com'`;

/** Seeds `n` users into the (migrated, empty) schema `url` points at; returns what bench/scale.mjs needs. */
export async function seedPostgres(url, n) {
  const clock = { now: () => Date.now() };
  const store = await Store.open(url);
  const key = await new OperatorKeys(store, clock, new AuditLog(store, clock)).create("bench");
  await store.close();
  const hash = await argon2.hash(PASSWORD, { algorithm: 2, memoryCost: 19_456, timeCost: 2, parallelism: 1, outputLen: 32 });
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const t0 = performance.now();
  try {
    // A lost seed is run again: no need to wait for each commit to be flushed.
    await client.query("set synchronous_commit = off");
    await client.query("set maintenance_work_mem = '256MB'");
    const { rows: indexes } = await client.query(
      `select i.indexname, i.indexdef from pg_indexes i
       where i.schemaname = current_schema() and i.tablename = any($1)
         and not exists (select 1 from pg_constraint k where k.conname = i.indexname and k.connamespace = to_regnamespace(current_schema()))`,
      [TABLES],
    );
    for (const { indexname } of indexes) await client.query(`drop index ${indexname}`);
    const start = Date.now() - YEAR;
    const now = Date.now();
    // Rows i in [$1, $2): c is the creation time, spread over the year like bench/seed-users.mjs.
    const rows = `(select i, (${start} + floor(i::float8 / ${n} * ${YEAR}))::bigint as c from generate_series($1::bigint, $2::bigint - 1) as i) s`;
    const statements = [
      `insert into users (id, app_id, type, disabled, data, created_at, last_login_at, sessions_valid_since)
       select ${userId}, '${APP_ID}', 'normal', case when i % 100 = 0 then 1 else 0 end,
              case when i % 10 < 7 then '{"email":"' || ${email} || '"}' else '{}' end, c,
              case when i % 10 = 9 then null else c + ((i * 7919) % (30 * 24 * 3600)) * 1000 end, c
       from ${rows}`,
      `insert into identities (app_id, provider_type, external_id, user_id, provider_name, provider_data, created_at)
       select '${APP_ID}', t, ${externalId}, ${userId}, t, case when i % 10 < 7 then '{"email":"' || ${email} || '"}' else '{}' end, c
       from (select *, case when i % 10 < 7 then 'local-userpass' else 'anon-user' end as t from ${rows}) r`,
      `insert into userpass_accounts (id, app_id, email, email_key, password_hash, confirmed, created_at, updated_at)
       select ${externalId}, '${APP_ID}', ${email}, ${email}, '${hash}', 1, c, c from ${rows} where i % 10 < 7`,
      `insert into sessions (id, app_id, user_id, provider_type, external_id, device_id, created_at, expires_at, revoked_at)
       select ${sessionId}, '${APP_ID}', ${userId}, case when i % 10 < 7 then 'local-userpass' else 'anon-user' end, ${externalId},
              '000000000000000000000000', c, case when i % 10 = 3 then ${now - DAY} else ${now + 60 * DAY} end,
              case when i % 50 = 7 then c + 1000 else null end
       from ${rows}`,
      `insert into audit_events (app_id, at, type, user_id, provider, ip, result, detail, actor)
       select '${APP_ID}', ${now - 200 * DAY} + i, 'login', ${userId}, 'anon-user', '127.0.0.1', 'ok', null, null from ${rows} where i % 10 = 0`,
    ];
    for (let from = 0; from < n; from += CHUNK) {
      const to = Math.min(n, from + CHUNK);
      await client.query("begin");
      // Transactional: a seed that dies leaves the trigger on and no user uncounted.
      await client.query("alter table users disable trigger users_count");
      const results = [];
      for (const statement of statements) results.push(await client.query(statement, [from, to]));
      const users = results[0];
      await client.query("alter table users enable trigger users_count");
      await client.query(
        `insert into app_user_counts (app_id, slot, n) values ($1, 0, $2)
         on conflict (app_id, slot) do update set n = app_user_counts.n + excluded.n`,
        [APP_ID, users.rowCount],
      );
      await client.query("commit");
      log(`  seeded ${to.toLocaleString("en-US")} users (${((performance.now() - t0) / 1000).toFixed(0)} s)`);
    }
    const elapsed = () => `${((performance.now() - t0) / 1000).toFixed(0)} s`;
    log(`  building ${indexes.length} indexes (${elapsed()})`);
    for (const { indexdef } of indexes) await client.query(indexdef);
    // Vacuum, not only analyze: a long-lived database has its visibility map set (index-only scans read
    // no heap), and autovacuum would otherwise start on every freshly filled table in the middle of the
    // measurement.
    log(`  vacuum (analyze) (${elapsed()})`);
    await client.query(`vacuum (analyze) ${TABLES.join(", ")}`);
    log(`  seeded, indexed, vacuumed (${elapsed()})`);
    // The ids bench/scale.mjs pages after: 2,000 spread over the table, like bench/seed-users.mjs.
    const step = Math.max(1, Math.floor(n / 2000));
    const { rows: sample } = await client.query(
      `select ${userId} as id from ${rows.replace("generate_series($1::bigint, $2::bigint - 1)", `generate_series(0, ${n - 1}, ${step})`)}`,
    );
    return { key, ids: sample.map((r) => r.id), seconds: (performance.now() - t0) / 1000, start };
  } finally {
    await client.end();
  }
}

/**
 * What bench/scale.mjs needs from a schema `seedPostgres` filled earlier (kept with BENCH_SCALE_KEEP=1), so a
 * ten-million-user schema is measured again without seeding it again: a new operator key, 2,000 user ids
 * spread over the table, the creation time of the first user. Housekeeping of the earlier run has removed
 * some of what the seed left for it to reclaim.
 */
export async function reusePostgres(url, n) {
  const clock = { now: () => Date.now() };
  const store = await Store.open(url);
  const key = await new OperatorKeys(store, clock, new AuditLog(store, clock)).create("bench");
  await store.close();
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query("select min(created_at) as start, count(*) as users from users where app_id = $1", [APP_ID]);
    const users = Number(rows[0].users);
    log(`  reusing ${users.toLocaleString("en-US")} users (seeded for ${n.toLocaleString("en-US")})`);
    const step = Math.max(1, Math.floor(users / 2000));
    const { rows: sample } = await client.query(
      `select id from (select id, row_number() over (order by id) as r from users where app_id = $1) s where r % $2 = 0 limit 2000`,
      [APP_ID, step],
    );
    return { key, ids: sample.map((r) => r.id), seconds: 0, start: Number(rows[0].start) };
  } finally {
    await client.end();
  }
}
