// `npm run bench:import`: throughput of `gatehouse users import` (the built CLI, reading a file) on SQLite
// and, when GATEHOUSE_TEST_POSTGRES_URL (or BENCH_POSTGRES_URL) is set, on PostgreSQL in a fresh schema.
//
// The users are App Services Admin API user objects, one per line: half email/password with a bcrypt
// hash (imported as is: hashing happens at each user's first login, not at import), half custom JWT.
// BENCH_IMPORT_USERS sets how many (default 1,000,000).
import { execFileSync, spawn } from "node:child_process";
import { createWriteStream, existsSync, statSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const cli = join(root, "packages/server/dist/cli.js");
const COUNT = Number(process.env.BENCH_IMPORT_USERS) || 1_000_000;
const postgresUrl = process.env.BENCH_POSTGRES_URL ?? process.env.GATEHOUSE_TEST_POSTGRES_URL;
const log = (line) => process.stderr.write(`${line}\n`);

if (!existsSync(cli)) execFileSync("npm", ["run", "build"], { cwd: root, stdio: "inherit" });
const require = createRequire(join(root, "packages/server/package.json"));
const bcrypt = require("bcryptjs");

const dir = await mkdtemp(join(tmpdir(), "gatehouse-bench-import-"));
try {
  const file = join(dir, "users.ndjson");
  await writeUsers(file, bcrypt.hashSync("bench-password", 10));
  log(`${COUNT} users, ${(statSync(file).size / 1e6).toFixed(0)} MB of NDJSON`);
  const results = [["sqlite", await importInto(`sqlite:${join(dir, "import.db")}`, file)]];
  if (postgresUrl) {
    const { url, drop } = await freshSchema(postgresUrl);
    try {
      results.push(["postgres", await importInto(url, file)]);
    } finally {
      await drop();
    }
  } else {
    log("PostgreSQL skipped: set GATEHOUSE_TEST_POSTGRES_URL");
  }
  console.log("| engine | users | seconds | users/s |\n|---|---|---|---|");
  for (const [engine, seconds] of results) console.log(`| ${engine} | ${COUNT} | ${seconds.toFixed(1)} | ${Math.round(COUNT / seconds)} |`);
} finally {
  await rm(dir, { recursive: true, force: true });
}

async function writeUsers(file, hash) {
  const out = createWriteStream(file);
  for (let n = 1; n <= COUNT; n++) {
    const id = n.toString(16).padStart(24, "0");
    const email = `user${n}@bench.test`;
    const record =
      n % 2 === 0
        ? {
            _id: id,
            identities: [{ id: `a${id.slice(1)}`, provider_type: "local-userpass", provider_data: { email } }],
            data: { email },
            type: "normal",
            creation_date: 1668199051,
            last_authentication_date: 1678918007,
            disabled: false,
            password_hash: hash,
          }
        : {
            _id: id,
            identities: [{ id: `sub-${n}`, provider_type: "custom-token", provider_data: {} }],
            data: {},
            type: "normal",
            creation_date: 1668199051,
          };
    if (!out.write(`${JSON.stringify(record)}\n`)) await new Promise((resolve) => out.once("drain", resolve));
  }
  await new Promise((resolve, reject) => out.end((error) => (error ? reject(error) : resolve())));
}

/** Runs the CLI import and returns its wall time in seconds. */
async function importInto(db, file) {
  const started = process.hrtime.bigint();
  const child = spawn(process.execPath, [cli, "users", "import", "--db", db, "--app", "bench-app", "--no-progress", file], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  let stdout = "";
  child.stdout.on("data", (chunk) => (stdout += chunk));
  const code = await new Promise((resolve) => child.on("exit", resolve));
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (code !== 0 || !stdout.includes(`imported ${COUNT},`)) throw new Error(`import into ${db.split("?")[0]} failed (${code}): ${stdout}`);
  log(`${db.startsWith("sqlite") ? "sqlite" : "postgres"}: ${stdout.trim()} in ${seconds.toFixed(1)} s`);
  return seconds;
}

async function freshSchema(base) {
  const pg = require("pg");
  const schema = `bench_import_${process.pid}_${Date.now()}`;
  const run = async (statement) => {
    const client = new pg.Client({ connectionString: base });
    await client.connect();
    try {
      await client.query(statement);
    } finally {
      await client.end();
    }
  };
  await run(`create schema ${schema}`);
  const url = new URL(base);
  url.searchParams.set("options", `-c search_path=${schema}`);
  return { url: url.toString(), drop: () => run(`drop schema ${schema} cascade`) };
}
