import type BetterSqlite3 from "better-sqlite3";
import type { Kysely, QueryResult } from "kysely";
import type { StoreUnavailableError } from "../errors.js";
import { mapped } from "./faults.js";

/**
 * Runs one compiled statement (store/prepared.ts) on the connection an open transaction holds, past the
 * query builder. Through Kysely a statement inside a transaction costs about 12 µs of CPU more than the
 * statement itself (the connection's promise chain, the executor, result transforms; measured with
 * 20,000 inserts in one transaction), and a login's transaction runs several.
 */
export type TransactionStatements = (sql: string, parameters: readonly unknown[]) => Promise<QueryResult<unknown>>;

/** The transactions now open on a connection that has {@link TransactionStatements}, by their Kysely handle. */
const open = new WeakMap<Kysely<any>, TransactionStatements>();

/**
 * SQLite: the one connection's statements, run directly. Safe only while a transaction holds the
 * connection: Kysely's driver then keeps every other query waiting on its lock, so a statement run here
 * lands in that transaction and in no other. The result has the shape Kysely's SQLite driver gives, and
 * a fault becomes the same StoreUnavailableError the wrapped driver raises (store/faults.ts).
 */
export function sqliteTransactionStatements(
  database: BetterSqlite3.Database,
  onFault: (error: StoreUnavailableError) => void,
): TransactionStatements {
  return (sql, parameters) => {
    try {
      // `prepare` keeps compiled statements by text (store/connect.ts): the one Kysely would have used.
      const statement = database.prepare(sql);
      if (statement.reader) return Promise.resolve({ rows: statement.all(parameters as unknown[]) as unknown[] });
      const { changes, lastInsertRowid } = statement.run(parameters as unknown[]);
      return Promise.resolve({ numAffectedRows: BigInt(changes), insertId: BigInt(lastInsertRowid), rows: [] });
    } catch (error) {
      return Promise.reject(mapped(error, onFault));
    }
  };
}

/**
 * Runs `work` with `statements` available to the transaction `trx` for as long as `work` runs: a
 * statement issued after it settled (when Kysely commits and lets the connection go) takes Kysely's path.
 */
export async function withTransactionStatements<T>(
  trx: Kysely<any>,
  statements: TransactionStatements | undefined,
  work: () => Promise<T>,
): Promise<T> {
  if (statements === undefined) return work();
  open.set(trx, statements);
  try {
    return await work();
  } finally {
    open.delete(trx);
  }
}

/** The direct statements of the open transaction `db`, if it has them. */
export function transactionStatements(db: Kysely<any>): TransactionStatements | undefined {
  return open.get(db);
}
