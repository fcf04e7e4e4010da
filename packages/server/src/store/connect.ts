import { mkdirSync } from "node:fs";
import { dirname, resolve } from "node:path";
import BetterSqlite3 from "better-sqlite3";
import { Kysely, Migrator, PostgresDialect, SqliteDialect, sql } from "kysely";
import type { StoreUnavailableError } from "../errors.js";
import { faultMappingDialect } from "./faults.js";
import { migrations } from "./migrations.js";
import { postgresReader, sqliteReader, type RawReader } from "./raw-reader.js";
import type { Database } from "./schema.js";
import { sqliteTransactionStatements, type TransactionStatements } from "./transaction-statements.js";
import { WalPresync, type PresyncFileSystem } from "./wal-presync.js";

/** How the store talks to its database (server config `database`). */
export interface DatabaseOptions {
  /** PostgreSQL connections per process. Default 10. */
  poolSize?: number;
  /** PostgreSQL `statement_timeout`; the client gives up 1 s after it. Default 5000. */
  statementTimeoutMs?: number;
  /** How long a request waits for a PostgreSQL connection (new or from the pool). Default 2000. */
  connectionTimeoutMs?: number;
  /** Called for every database fault (metrics, logs); must not throw. */
  onFault?: (error: StoreUnavailableError | Error) => void;
  /** SQLite file: the file system calls of the early WAL flush (store/wal-presync.ts); tests watch them. */
  walFileSystem?: PresyncFileSystem;
}

/** The two storage engines. */
export type Dialect = "sqlite" | "postgres";

/** An open database with its dialect. */
export interface Connection {
  db: Kysely<Database>;
  dialect: Dialect;
  /** Where it lives, without credentials (for logs). */
  description: string;
  /** The hot reads' way past the query builder (store/raw-reader.ts); closed with the store. */
  reader: RawReader;
  /** Connections the store may use at once (SQLite: 1). */
  poolSize: number;
  /** SQLite: statements run inside a transaction past the query builder (store/transaction-statements.ts). */
  statements?: TransactionStatements;
  /** An SQLite file's early WAL flush (store/wal-presync.ts): told of each write by the driver, closed with the store. */
  walPresync?: WalPresync;
}

/**
 * Opens `sqlite:PATH` (the file and its folder are created) or `postgres://...` and runs pending
 * migrations (store/migrations.ts, builtin collections included).
 */
export async function openDatabase(url: string, options: DatabaseOptions = {}): Promise<Connection> {
  const onFault = options.onFault ?? (() => {});
  const connection =
    url.startsWith("postgres://") || url.startsWith("postgresql://")
      ? await openPostgres(url, options, onFault)
      : openSqlite(url, onFault, options.walFileSystem);
  // Kysely looks for its migration tables in every schema unless told which: a second Gatehouse schema in
  // the same PostgreSQL database (tests run several at once) would make it skip creating its own.
  const schema =
    connection.dialect === "postgres"
      ? (await sql<{ s: string }>`select current_schema() as s`.execute(connection.db)).rows[0]?.s
      : undefined;
  const migrator = new Migrator({
    db: connection.db,
    provider: { getMigrations: async () => migrations(connection.dialect) },
    // Each issue adds migrations in its own number range (04xx, 05xx, ...), landing in any order: a
    // database that ran 0700 must still run a 0600 landed after it. Each migration stands on its own.
    allowUnorderedMigrations: true,
    ...(schema ? { migrationTableSchema: schema } : {}),
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    await connection.db.destroy();
    await connection.reader.close();
    const failed = results?.find((r) => r.status === "Error")?.migrationName ?? "unknown";
    throw new Error(`database migration ${failed} failed: ${(error as Error).message ?? String(error)}`);
  }
  return connection;
}

/** The name of the newest migration this build knows: a database without it is behind (see `/readyz`). */
export function latestMigration(dialect: Dialect): string {
  return Object.keys(migrations(dialect)).sort().at(-1)!;
}

/**
 * SQLite page caches, in KiB. better-sqlite3 builds SQLite with a 16 MB default per connection, which a
 * growing database fills: with the read connection beside the writer, ~30 MB of a busy server's resident
 * memory was cached pages that the kernel's page cache holds anyway (a miss is a read from it, not from
 * disk). The writer keeps enough for the interior pages of every index a login touches; the reader only
 * does primary-key lookups of sessions and users.
 */
const WRITER_CACHE_KIB = 4096;
const READER_CACHE_KIB = 2048;

function openSqlite(url: string, onFault: (error: StoreUnavailableError) => void, walFileSystem?: PresyncFileSystem): Connection {
  if (!url.startsWith("sqlite:")) throw new Error(`unsupported database URL '${url}': use sqlite:PATH or postgres://...`);
  const raw = url.slice("sqlite:".length);
  const path = raw === ":memory:" ? raw : resolve(raw);
  if (path !== ":memory:") mkdirSync(dirname(path), { recursive: true });
  const database = new BetterSqlite3(path);
  // WAL lets readers proceed during a write and several processes share the file; NORMAL sync is
  // durable across process crashes (the WAL is fsynced at checkpoints), which is what kill -9 tests.
  database.pragma("journal_mode = WAL");
  database.pragma("synchronous = NORMAL");
  // A checkpoint runs inside the commit that crosses this many WAL pages, copying them into the file and
  // syncing it: past SQLite's default of 1,000 (4 MB), the hot pages of the login tables are rewritten in
  // the WAL many times per checkpoint and copied once, which halves what a login's commit costs. Durability
  // is the same (a committed transaction is in the WAL either way); the WAL grows to ~16 MB at most.
  database.pragma("wal_autocheckpoint = 4000");
  database.pragma("busy_timeout = 5000");
  database.pragma("foreign_keys = ON");
  // With foreign keys on, each insert of a child row inside a transaction journals the pages it changes,
  // so that the statement alone can be undone; past 64 KiB SQLite spills that statement journal to a
  // temporary file, and a group-commit batch of logins wrote as much there as to the WAL. In memory it is
  // a copy of the pages the transaction touches, bounded by the batch. The admin queries that run here
  // sort through indexes (test/admin/search-plans.test.ts), so no large temporary table lands in memory.
  database.pragma("temp_store = MEMORY");
  database.pragma(`cache_size = -${WRITER_CACHE_KIB}`);
  cachePreparedStatements(database);
  const walPresync = path === ":memory:" ? undefined : new WalPresync(`${path}-wal`, undefined, walFileSystem);
  const dialect = faultMappingDialect(new SqliteDialect({ database }), onFault, walPresync && (() => walPresync.noteCommit()));
  const reader = path === ":memory:" ? sqliteReader(database, false, onFault) : sqliteReader(openReadConnection(path), true, onFault);
  return {
    db: new Kysely<Database>({ dialect }),
    dialect: "sqlite",
    description: `sqlite:${path}`,
    reader,
    poolSize: 1,
    statements: sqliteTransactionStatements(database, onFault),
    ...(walPresync ? { walPresync } : {}),
  };
}

/** A second connection to the file for the hot reads (see sqliteReader): it never writes. */
export function openReadConnection(path: string): BetterSqlite3.Database {
  const database = new BetterSqlite3(path);
  database.pragma("busy_timeout = 5000");
  database.pragma("query_only = ON");
  database.pragma(`cache_size = -${READER_CACHE_KIB}`);
  return database;
}

/**
 * Kysely's SQLite driver calls `prepare` for every query it runs, and better-sqlite3 compiles the SQL anew each
 * time: on the hot paths that compile costs more than the query. The query builders produce a small fixed set
 * of SQL texts, so the compiled statements are kept (the oldest dropped past `max`). Safe because Kysely runs
 * one query at a time per connection, and SQLite recompiles a kept statement itself after a schema change.
 */
function cachePreparedStatements(database: BetterSqlite3.Database, max = 500): void {
  const prepare = database.prepare.bind(database);
  const statements = new Map<string, BetterSqlite3.Statement>();
  database.prepare = ((sql: string) => {
    let statement = statements.get(sql);
    if (statement === undefined) {
      statement = prepare(sql);
      if (statements.size >= max) statements.delete(statements.keys().next().value!);
      statements.set(sql, statement);
    }
    return statement;
  }) as typeof database.prepare;
}

/** PostgreSQL; the driver is loaded only when used (an SQLite server does not pay its memory). */
async function openPostgres(
  url: string,
  options: DatabaseOptions,
  onFault: (error: StoreUnavailableError | Error) => void,
): Promise<Connection> {
  const pg = (await import("pg")).default;
  // int8 (COUNT, bigint columns) arrives as a string by default; our times fit in a double.
  pg.types.setTypeParser(20, (value: string) => Number(value));
  const statementTimeoutMs = positive("database.statementTimeoutMs", options.statementTimeoutMs ?? 5000);
  const poolSize = positive("database.poolSize", options.poolSize ?? 10);
  const pool = new pg.Pool({
    connectionString: url,
    max: poolSize,
    // pg waits for ever by default: a request would hang as long as the database is unreachable.
    connectionTimeoutMillis: positive("database.connectionTimeoutMs", options.connectionTimeoutMs ?? 2000),
    statement_timeout: statementTimeoutMs,
    // The client's own limit, for a server that stops answering without closing the socket.
    query_timeout: statementTimeoutMs + 1000,
    keepAlive: true,
  });
  // A connection the database closes (restart, failover, admin command) emits 'error': on the pool when
  // it is idle, on the client itself when a request holds it (inside a transaction, between queries).
  // Unheard, either event kills the process. pg drops a broken connection from the pool, the request
  // holding one fails its next query with a fault (503), and new connections are opened as needed, so
  // the server recovers by itself once the database is back.
  pool.on("error", (error) => onFault(error));
  pool.on("connect", (client) => client.on("error", (error) => onFault(error)));
  const safe = new URL(url);
  safe.password = "";
  const dialect = faultMappingDialect(new PostgresDialect({ pool }), onFault);
  return {
    db: new Kysely<Database>({ dialect }),
    dialect: "postgres",
    description: safe.toString(),
    reader: postgresReader(pool, onFault),
    poolSize,
  };
}

function positive(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 1) throw new Error(`server config: ${name} must be a positive integer`);
  return value;
}

/** Whether an error is a unique-constraint violation, on either engine. */
export function isUniqueViolation(error: unknown): boolean {
  const code = (error as { code?: string })?.code;
  return code === "SQLITE_CONSTRAINT_UNIQUE" || code === "SQLITE_CONSTRAINT_PRIMARYKEY" || code === "23505";
}
