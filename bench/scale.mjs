// `npm run bench` (scale part): admin user listing and search, and the login and profile paths, on SQLite
// databases (or PostgreSQL schemas with `--db postgres://...`) seeded with N users — 1,000 by default; BENCH_SCALE_USERS=1000,1000000 adds the million (its
// seeding takes a few minutes on two cores, so it is asked for, not run by default).
//
// Seeding writes rows straight into the database in batched transactions (the schema comes from the
// server's own migrations), not through the HTTP API. Each size then gets its own Gatehouse child process.
// Search latency is measured one request at a time (the latency a person or a script sees); profile and
// login with autocannon beside a hello-world ceiling measured just before, as in bench/run.mjs.
//
// Prints a Markdown section on stdout; bench/run.mjs appends it to its report.
import { setImmediate as nextTurn } from "node:timers/promises";
import autocannon from "autocannon";
import { fork } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import { dirname, join } from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";
import { seed, YEAR } from "./seed-users.mjs";

const root = dirname(dirname(fileURLToPath(import.meta.url)));

const SIZES = (process.env.BENCH_SCALE_USERS ?? "1000")
  .split(",")
  .map((s) => Number(s.trim()))
  .filter((n) => n > 0);
const SEARCHES = Number(process.env.BENCH_SCALE_SEARCHES) || 100;
const DURATION = Number(process.env.BENCH_SCALE_DURATION) || 5;
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS) || 20;
const APP_ID = "todo-gatehouse";
const PASSWORD = "bench-password-1"; // bench/seed-users.mjs gives every email/password user this one
const log = (line = "") => process.stderr.write(`${line}\n`);
// `--db postgres://...`: seed and serve each size in a fresh schema of that database (bench/seed-postgres.mjs).
const DB = process.argv.includes("--db") ? process.argv[process.argv.indexOf("--db") + 1] : undefined;
if (DB !== undefined && !/^postgres(ql)?:\/\//.test(DB)) throw new Error("--db: give a postgres:// URL (SQLite is the default)");
const ENGINE = DB ? "PostgreSQL" : "SQLite";
const serverRequire = createRequire(join(root, "packages/server/package.json"));
const dist = (path) => import(pathToFileURL(join(root, "packages/server/dist", path)).href);
const DAY_MS = 24 * 3600 * 1000;
const IDLE_PASS_MS = 250;
// The server's housekeeping pauses after each batch `pauseRatio` times the batch's duration (server config
// `housekeeping.pauseRatio`). BENCH_SCALE_PAUSE_RATIOS=0,1,4 measures each path while housekeeping runs at
// each ratio, in alternating order from path to path (the work left changes as a run goes on); the default
// is the server's own default only.
const { DEFAULT_HOUSEKEEPING_PAUSE_RATIO } = await dist("server-config.js");
const PAUSE_RATIOS = (process.env.BENCH_SCALE_PAUSE_RATIOS ?? String(DEFAULT_HOUSEKEEPING_PAUSE_RATIO))
  .split(",")
  .map((s) => Number(s.trim()))
  .filter((r) => r >= 0);

// BENCH_SCALE_KEEP=1 keeps each PostgreSQL schema (its name is logged); BENCH_SCALE_REUSE=10000000:<schema>
// measures that size on a schema kept earlier instead of seeding a new one (bench/seed-postgres.mjs).
const KEEP = process.env.BENCH_SCALE_KEEP === "1";
const REUSE = new Map(
  (process.env.BENCH_SCALE_REUSE ?? "")
    .split(",")
    .filter(Boolean)
    .map((entry) => [Number(entry.split(":")[0]), entry.split(":")[1]]),
);

/**
 * Where a size's data lives: an SQLite file, or a PostgreSQL schema (fresh unless reused; dropped by `drop`
 * unless kept). `users()` counts the app's user rows themselves, to check the server's `user_count` against.
 */
async function database(tmp, n) {
  if (!DB) {
    const target = join(tmp, "scale.db");
    const users = () => {
      const db = new (serverRequire("better-sqlite3"))(target, { readonly: true });
      try {
        return db.prepare("select count(*) as n from users where app_id = ?").get(APP_ID).n;
      } finally {
        db.close();
      }
    };
    return { target, url: `sqlite:${target}`, drop: async () => {}, users };
  }
  const pg = serverRequire("pg");
  const reused = REUSE.get(n);
  const schema = reused ?? `bench_scale_${n}_${process.pid}_${Date.now()}`;
  if (!/^[a-z0-9_]+$/.test(schema)) throw new Error(`BENCH_SCALE_REUSE: not a schema name: ${schema}`);
  const admin = async (statement, params) => {
    const client = new pg.Client({ connectionString: DB });
    await client.connect();
    return await client.query(statement, params).finally(() => client.end());
  };
  if (!reused) await admin(`create schema ${schema}`);
  if (KEEP || reused) log(`  schema ${schema} (kept)`);
  const url = new URL(DB);
  url.searchParams.set("options", `-c search_path=${schema}`);
  const users = async () => Number((await admin(`select count(*) as n from ${schema}.users where app_id = $1`, [APP_ID])).rows[0].n);
  const drop = KEEP || reused ? async () => {} : () => admin(`drop schema ${schema} cascade`);
  return { target: url.toString(), url: url.toString(), drop, users, reused: reused !== undefined };
}

/** The app's `user_count` in the admin API's app list; throws unless it equals the rows in `users`. */
async function checkUserCount(admin, group, token, data, when) {
  const apps = await json("GET", `${admin}/groups/${group}/apps`, token);
  const reported = apps.find((app) => app.client_app_id === APP_ID)?.user_count;
  const rows = await data.users();
  if (reported !== rows) throw new Error(`${when}: the server reports user_count ${reported}, the users table has ${rows} rows`);
  log(`  ${when}: user_count ${reported.toLocaleString("en-US")} = rows in users`);
  return rows;
}

/**
 * Housekeeping and retention passes (store/housekeeping.ts, the server's own job) run back to back from
 * this process on the same database while `work` runs: the seeded expired sessions, inactive anonymous
 * users and old audit events keep them busy deleting. Returns what `work` returned and what they removed.
 */
async function withHousekeeping(url, pauseRatio, work) {
  const { Store } = await dist("store/store.js");
  const { Housekeeping } = await dist("store/housekeeping.js");
  const store = await Store.open(url);
  const settings = { rateLimitWindowMs: 60_000, anonymousUserInactiveMs: 90 * DAY_MS, auditEventMs: 90 * DAY_MS, pauseRatio };
  const housekeeping = new Housekeeping(store, { now: () => Date.now() }, settings);
  let stop = false;
  const removed = { passes: 0, rows: 0, batchMs: 0, pausedMs: 0 };
  const loop = (async () => {
    while (!stop) {
      const r = await housekeeping.run();
      const rows = r.sessions + r.devices + r.tokens + r.rateLimitCounters + r.anonymousUsers + r.auditEvents;
      removed.passes++;
      removed.rows += rows;
      removed.batchMs += r.batchMs;
      removed.pausedMs += r.pausedMs;
      // On SQLite a pass with nothing to delete settles in microtasks only; without a turn of the event
      // loop between passes this loop would starve the load generator running in this process.
      await nextTurn();
      // The server runs a pass every 10 minutes; empty passes back to back (thousands a second on a small
      // database) would measure a busy loop of selects beside the load generator, not housekeeping's work.
      if (rows === 0) await new Promise((resolve) => setTimeout(resolve, IDLE_PASS_MS));
    }
  })();
  const t0 = performance.now();
  try {
    return { result: await work(), removed };
  } finally {
    removed.seconds = (performance.now() - t0) / 1000;
    stop = true;
    // Over millions of rows one pass takes minutes: end it after its current batch.
    housekeeping.stop();
    await loop;
    await store.close();
  }
}

/** Forks a bench child (bench/server.mjs or bench/hello.mjs) and waits for its URL. */
function startChild(script, args) {
  return new Promise((resolve, reject) => {
    // libuv's pool sized as the bin entry sizes it (packages/server/bin/gatehouse.cjs; bench/run.mjs, SERVER_ENV).
    const env = { ...process.env, UV_THREADPOOL_SIZE: process.env.UV_THREADPOOL_SIZE ?? String(os.availableParallelism()) };
    const child = fork(join(root, "bench", script), args, { cwd: root, env, stdio: ["ignore", "inherit", "inherit", "ipc"] });
    child.on("message", (message) => {
      if (message?.type === "ready") {
        resolve({
          url: message.url,
          stop: () =>
            new Promise((res) => {
              if (child.exitCode !== null) return res();
              child.once("exit", () => res());
              child.send({ type: "stop" });
              setTimeout(() => child.kill("SIGKILL"), 5000).unref();
            }),
        });
      }
    });
    child.on("exit", (code) => code !== 0 && reject(new Error(`bench/${script} exited with ${code}`)));
  });
}

function percentile(sorted, p) {
  return sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

async function json(method, url, token, body) {
  const headers = { accept: "application/json" };
  if (token) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers["content-type"] = "application/json";
  const res = await fetch(url, { method, headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${url}: ${res.status} ${text}`);
  return text ? JSON.parse(text) : undefined;
}

/** Sequential latencies of `SEARCHES` requests whose query `make(i)` builds. */
async function timeQueries(base, token, make) {
  const times = [];
  let rows = 0;
  for (let i = 0; i < SEARCHES; i++) {
    const t = performance.now();
    const page = await json("GET", `${base}/users?${make(i)}`, token);
    times.push(performance.now() - t);
    rows += page.length;
  }
  times.sort((a, b) => a - b);
  return { p50: percentile(times, 50), p99: percentile(times, 99), rows: rows / SEARCHES, times };
}

async function rate(url, { method = "GET", headers = {}, body } = {}) {
  const r = await autocannon({ url, method, headers, body, connections: CONNECTIONS, duration: DURATION });
  return { rps: r["2xx"] / r.duration, p50: r.latency.p50, p99: r.latency.p99, failures: r.non2xx + r.errors };
}

const pick = (list, i) => list[(i * 2654435761) % list.length];
const day = 24 * 3600;

async function measure(n, hello) {
  const tmp = await mkdtemp(join(os.tmpdir(), `gatehouse-scale-${n}-`));
  try {
    log(`scale ${n.toLocaleString("en-US")} users: seeding (${ENGINE})`);
    const data = await database(tmp, n);
    drops.push(data.drop);
    const postgres = DB ? await import("./seed-postgres.mjs") : undefined;
    const seeded = !DB
      ? await seed(data.target, n)
      : data.reused
        ? await postgres.reusePostgres(data.url, n)
        : await postgres.seedPostgres(data.url, n);
    log(`  seeded in ${seeded.seconds.toFixed(0)} s`);
    const server = await startChild("server.mjs", [data.target]);
    try {
      const admin = `${server.url}/api/admin/v3.0`;
      const login = await json("POST", `${admin}/auth/providers/mongodb-cloud/login`, undefined, {
        username: seeded.key.username,
        apiKey: seeded.key.apiKey,
      });
      const token = login.access_token;
      const group = (await json("GET", `${admin}/auth/profile`, token)).roles[0].group_id;
      const base = `${admin}/groups/${group}/apps/${APP_ID}`;
      const counted = { seeded: await checkUserCount(admin, group, token, data, "after seeding") };
      const startS = Math.floor(seeded.start / 1000);
      const span = Math.floor(YEAR / 1000);
      const queries = {
        "list, first page": () => "",
        "list, page after a cursor": (i) => `after=${pick(seeded.ids, i)}`,
        "email prefix (narrow)": (i) => `email=user${(i * 7919) % Math.max(1, Math.floor(n / 10))}`,
        "email prefix (broad: user1)": () => "email=user1",
        "id prefix": (i) => `id=${pick(seeded.ids, i).slice(0, 8)}`,
        "provider=anon-user": () => "provider=anon-user",
        "disabled=true": () => "disabled=true",
        "created in a day": (i) => `created_after=${startS + ((i * 7919) % span)}&created_before=${startS + ((i * 7919) % span) + day}`,
        "last login after": (i) => `last_login_after=${startS + ((i * 104729) % span)}`,
        "email + provider + enabled": () => "email=user2&provider=local-userpass&disabled=false",
      };
      for (const make of Object.values(queries)) await timeQueries(base, token, make); // warm-up
      const search = {};
      for (const [name, make] of Object.entries(queries)) search[name] = await timeQueries(base, token, make);
      const all = Object.values(search)
        .flatMap((r) => r.times)
        .sort((a, b) => a - b);

      const v2 = `${server.url}/api/client/v2.0`;
      const email = "user1@example1.com";
      const session = await json("POST", `${v2}/app/${APP_ID}/auth/providers/local-userpass/login`, undefined, {
        username: email,
        password: PASSWORD,
      });
      const jsonHeaders = { "content-type": "application/json" };
      const paths = {
        "GET /auth/profile": { url: `${v2}/auth/profile`, headers: { authorization: `Bearer ${session.access_token}` } },
        "anonymous login": {
          url: `${v2}/app/${APP_ID}/auth/providers/anon-user/login`,
          method: "POST",
          headers: jsonHeaders,
          body: JSON.stringify({ options: { device: { platform: "bench" } } }),
        },
        "email/password login": {
          url: `${v2}/app/${APP_ID}/auth/providers/local-userpass/login`,
          method: "POST",
          headers: jsonHeaders,
          body: JSON.stringify({ username: email, password: PASSWORD }),
        },
      };
      const http = {};
      const busy = Object.fromEntries(PAUSE_RATIOS.map((r) => [r, {}]));
      const removed = Object.fromEntries(PAUSE_RATIOS.map((r) => [r, { passes: 0, rows: 0, batchMs: 0, pausedMs: 0, seconds: 0 }]));
      for (const [k, [name, request]] of Object.entries(paths).entries()) {
        log(
          `  ${name}: hello-world ${DURATION}s, the path ${DURATION}s, then again while housekeeping runs (pauseRatio ${PAUSE_RATIOS.join(", ")})`,
        );
        const ceiling = await rate(hello.url);
        const measured = await rate(request.url, request);
        http[name] = { ...measured, ratio: measured.rps / ceiling.rps, ceiling: ceiling.rps };
        for (const pauseRatio of k % 2 === 0 ? PAUSE_RATIOS : [...PAUSE_RATIOS].reverse()) {
          const during = await withHousekeeping(data.url, pauseRatio, () => rate(request.url, request));
          busy[pauseRatio][name] = { ...during.result, ratio: during.result.rps / ceiling.rps, ceiling: ceiling.rps };
          for (const field of Object.keys(removed[pauseRatio])) removed[pauseRatio][field] += during.removed[field];
        }
      }
      counted.after = await checkUserCount(admin, group, token, data, "after the measurements");
      return {
        n,
        counted,
        seedSeconds: seeded.seconds,
        reused: data.reused === true,
        search,
        overall: { p50: percentile(all, 50), p99: percentile(all, 99) },
        http,
        busy,
        removed,
      };
    } finally {
      await server.stop();
    }
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}
const drops = [];

const fmt = (ms) => (ms < 10 ? ms.toFixed(2) : ms.toFixed(1));
// Two significant digits below 0.1: a password login's ratio to hello-world (~0.003) would print as 0.00.
const ratioText = (ratio) => (ratio > 0 && ratio < 0.1 ? ratio.toPrecision(2) : ratio.toFixed(2));
const hello = await startChild("hello.mjs", []);
try {
  const results = [];
  for (const n of SIZES) results.push(await measure(n, hello));
  const head = results.map((r) => `${r.n.toLocaleString("en-US")} users`);
  const lines = [];
  lines.push(`## Scale: admin search, login and profile by database size (${ENGINE})`);
  lines.push("");
  lines.push(
    `Databases seeded with ${DB ? "SQL-side generated rows (generate_series; one session per user)" : "batched inserts"} (${results.map((r) => `${r.n.toLocaleString("en-US")} ${r.reused ? "seeded by an earlier run, reused" : `in ${r.seedSeconds.toFixed(0)} s`}`).join(", ")}): ` +
      "7 in 10 users email/password, 3 in 10 anonymous, created over a year, 1 in 100 disabled. Search pages (50 users) are timed " +
      `one request at a time, ${SEARCHES} requests per kind, over HTTP with an admin token; DESIGN.md asks p99 < 50 ms at 1,000,000 users.`,
  );
  lines.push("");
  lines.push(`| search page | ${head.map((h) => `${h} p50 / p99 ms`).join(" | ")} | rows/page |`);
  lines.push(`|---|${head.map(() => "---:").join("|")}|---:|`);
  for (const name of Object.keys(results[0].search)) {
    lines.push(
      `| ${name} | ${results.map((r) => `${fmt(r.search[name].p50)} / ${fmt(r.search[name].p99)}`).join(" | ")} | ${results.at(-1).search[name].rows.toFixed(0)} |`,
    );
  }
  lines.push(
    `| **all kinds** | ${results.map((r) => `**${fmt(r.overall.p50)} / ${fmt(r.overall.p99)}**${r.n >= 1_000_000 ? (r.overall.p99 < 50 ? " (pass)" : " (**short**)") : ""}`).join(" | ")} | |`,
  );
  lines.push("");
  lines.push(
    `| path (autocannon, ${CONNECTIONS} connections, ${DURATION}s) | ${head.map((h) => `${h}: req/s, p50 / p99 ms, ratio to hello-world`).join(" | ")} | ${results.length > 1 ? "p99 largest ÷ smallest |" : ""}`,
  );
  lines.push(`|---|${head.map(() => "---:").join("|")}|${results.length > 1 ? "---:|" : ""}`);
  for (const name of Object.keys(results[0].http)) {
    const cells = results.map((r) => {
      const h = r.http[name];
      return `${Math.round(h.rps).toLocaleString("en-US")}, ${h.p50} / ${h.p99}, ${ratioText(h.ratio)}×`;
    });
    const growth = results.length > 1 ? ` ${(results.at(-1).http[name].p99 / Math.max(1, results[0].http[name].p99)).toFixed(2)}× |` : "";
    lines.push(`| ${name} | ${cells.join(" | ")} |${growth}`);
  }
  lines.push("");
  for (const pauseRatio of PAUSE_RATIOS) {
    const share = (m) => (m.batchMs + m.pausedMs > 0 ? m.batchMs / (m.batchMs + m.pausedMs) : 0);
    lines.push(
      `While housekeeping and retention run (the server's own passes with \`pauseRatio\` ${pauseRatio}, back to back from another process on the same database, ${IDLE_PASS_MS} ms apart once a pass finds nothing; ` +
        `${results
          .map((r) => {
            const m = r.removed[pauseRatio];
            return `${r.n.toLocaleString("en-US")} users: ${m.passes} passes removed ${m.rows.toLocaleString("en-US")} rows, ${Math.round(m.rows / Math.max(1e-9, m.seconds)).toLocaleString("en-US")} rows/s, batches ${(100 * share(m)).toFixed(0)}% of batch + pause time`;
          })
          .join("; ")}):`,
    );
    lines.push("");
    lines.push(
      `| path, housekeeping running (pauseRatio ${pauseRatio}) | ${head.map((h) => `${h}: req/s, p50 / p99 ms, ratio to hello-world`).join(" | ")} | ${results.length > 1 ? "p99 largest ÷ smallest | req/s largest ÷ smallest |" : ""}`,
    );
    lines.push(`|---|${head.map(() => "---:").join("|")}|${results.length > 1 ? "---:|---:|" : ""}`);
    for (const name of Object.keys(results[0].busy[pauseRatio])) {
      const cells = results.map((r) => {
        const h = r.busy[pauseRatio][name];
        return `${Math.round(h.rps).toLocaleString("en-US")}, ${h.p50} / ${h.p99}, ${ratioText(h.ratio)}×`;
      });
      const first = results[0].busy[pauseRatio][name];
      const last = results.at(-1).busy[pauseRatio][name];
      const growth =
        results.length > 1
          ? ` ${(last.p99 / Math.max(1, results[0].http[name].p99)).toFixed(2)}× | ${(last.rps / Math.max(1e-9, first.rps)).toFixed(2)}× |`
          : "";
      lines.push(`| ${name} | ${cells.join(" | ")} |${growth}`);
    }
    lines.push("");
  }
  lines.push(
    `The admin API's \`user_count\` equalled the rows in \`users\` after seeding and after the measurements (${results.map((r) => `${r.counted.seeded.toLocaleString("en-US")} → ${r.counted.after.toLocaleString("en-US")}`).join(", ")}: anonymous logins added users, housekeeping deleted inactive ones).`,
  );
  lines.push("");
  lines.push("DESIGN.md: at 1,000,000 users login and profile latency within 1.5× of the 1,000-user figures.");
  process.stdout.write(`${lines.join("\n")}\n`);
} finally {
  await hello.stop();
  for (const drop of drops) await drop().catch((error) => log(`could not drop a bench schema: ${error.message}`));
}
