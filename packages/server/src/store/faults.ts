import type { CompiledQuery, DatabaseConnection, Dialect, Driver, Kysely, QueryResult, TransactionSettings } from "kysely";
import { StoreUnavailableError, type StoreFaultReason } from "../errors.js";

// PostgreSQL SQLSTATEs that mean "the database cannot serve this now", not "this request is wrong".
const PG_CODES: Record<string, StoreFaultReason> = {
  "57P01": "unavailable", // admin_shutdown: "terminating connection due to administrator command"
  "57P02": "unavailable", // crash_shutdown
  "57P03": "unavailable", // cannot_connect_now: "the database system is starting up / shutting down"
  "53300": "unavailable", // too_many_connections
  "53100": "full", // disk_full
  "57014": "timeout", // query_canceled: statement_timeout fired
  "25006": "readonly", // read_only_sql_transaction: a standby, e.g. right after a failover
};
// Socket errors of the driver's connection.
const NET_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EPIPE", "ENOTFOUND", "EAI_AGAIN", "EHOSTUNREACH", "ENETUNREACH"]);
// node-postgres reports these without a code.
const PG_MESSAGES: [RegExp, StoreFaultReason][] = [
  [/^Connection terminated/, "unavailable"],
  [/timeout exceeded when trying to connect/, "timeout"],
  [/^Query read timeout/, "timeout"],
  [/not queryable/, "unavailable"],
];

/**
 * Whether `error` is the database failing (returned as the reason) rather than the query: a constraint
 * violation or a syntax error is the caller's to handle and stays as it is.
 */
export function storeFaultOf(error: unknown): StoreFaultReason | undefined {
  if (error instanceof StoreUnavailableError) return error.fault;
  const code = (error as { code?: unknown })?.code;
  if (typeof code === "string") {
    if (code.startsWith("SQLITE_")) return sqliteFault(code);
    if (code.startsWith("08")) return "unavailable"; // connection_exception class
    if (PG_CODES[code]) return PG_CODES[code];
    if (NET_CODES.has(code)) return "unavailable";
  }
  const message = (error as { message?: unknown })?.message;
  if (typeof message === "string") for (const [pattern, reason] of PG_MESSAGES) if (pattern.test(message)) return reason;
  return undefined;
}

function sqliteFault(code: string): StoreFaultReason | undefined {
  if (code === "SQLITE_FULL") return "full";
  if (code.startsWith("SQLITE_READONLY")) return "readonly";
  if (code.startsWith("SQLITE_IOERR") || code.startsWith("SQLITE_CANTOPEN")) return "io";
  if (code.startsWith("SQLITE_BUSY") || code.startsWith("SQLITE_LOCKED")) return "busy";
  return undefined;
}

/** Rethrows a database fault as {@link StoreUnavailableError}, anything else unchanged. */
export function mapped(error: unknown, onFault: (error: StoreUnavailableError) => void): unknown {
  const reason = storeFaultOf(error);
  if (reason === undefined || error instanceof StoreUnavailableError) return error;
  const fault = new StoreUnavailableError(reason, { cause: error });
  onFault(fault);
  return fault;
}

/**
 * Wraps a Kysely dialect so that every database fault, wherever it surfaces (connecting, a query, a
 * commit), leaves the store as one typed error the HTTP layer answers with 503. Services keep seeing
 * constraint violations as before. `onFault` counts them (metrics) — it must not throw. `afterWrite` runs
 * after each statement that is not a select and after each commit (SQLite's early WAL flush, store/wal-presync.ts).
 */
export function faultMappingDialect(
  inner: Dialect,
  onFault: (error: StoreUnavailableError) => void,
  afterWrite: () => void = () => {},
): Dialect {
  return {
    createAdapter: () => inner.createAdapter(),
    createQueryCompiler: () => inner.createQueryCompiler(),
    createIntrospector: (db: Kysely<any>) => inner.createIntrospector(db),
    createDriver: () => new FaultMappingDriver(inner.createDriver(), onFault, afterWrite),
  };
}

class FaultMappingDriver implements Driver {
  // Kysely hands our wrapped connection back to the driver methods; the inner driver needs its own.
  private readonly connections = new WeakMap<DatabaseConnection, DatabaseConnection>();
  private readonly raws = new WeakMap<DatabaseConnection, DatabaseConnection>();

  constructor(
    private readonly inner: Driver,
    private readonly onFault: (error: StoreUnavailableError) => void,
    /** Told of each statement that may have written and each commit (store/wal-presync.ts). */
    private readonly afterWrite: () => void,
  ) {}

  private async guard<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      throw mapped(error, this.onFault);
    }
  }

  init(): Promise<void> {
    return this.guard(() => this.inner.init());
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    const raw = await this.guard(() => this.inner.acquireConnection());
    let wrapped = this.connections.get(raw);
    if (!wrapped) {
      const { onFault, afterWrite } = this;
      wrapped = {
        // Async, because a driver may throw synchronously (better-sqlite3 does).
        async executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
          let result: QueryResult<R>;
          try {
            result = await raw.executeQuery<R>(query);
          } catch (error) {
            throw mapped(error, onFault);
          }
          if (query.query.kind !== "SelectQueryNode") afterWrite();
          return result;
        },
        streamQuery: (query, chunkSize) => raw.streamQuery(query, chunkSize),
      };
      this.connections.set(raw, wrapped);
      this.raws.set(wrapped, raw);
    }
    return wrapped;
  }

  private raw(connection: DatabaseConnection): DatabaseConnection {
    return this.raws.get(connection) ?? connection;
  }

  beginTransaction(connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    return this.guard(() => this.inner.beginTransaction(this.raw(connection), settings));
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    await this.guard(() => this.inner.commitTransaction(this.raw(connection)));
    this.afterWrite();
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    try {
      await this.inner.rollbackTransaction(this.raw(connection));
    } catch (error) {
      // SQLite rolls a transaction back by itself on some faults (SQLITE_FULL, SQLITE_IOERR): there is
      // nothing left to undo, and the fault that caused it is the error the caller must see.
      if ((error as { message?: string })?.message?.includes("no transaction is active")) return;
      throw mapped(error, this.onFault);
    }
  }

  releaseConnection(connection: DatabaseConnection): Promise<void> {
    return this.inner.releaseConnection(this.raw(connection));
  }

  destroy(): Promise<void> {
    return this.inner.destroy();
  }
}
