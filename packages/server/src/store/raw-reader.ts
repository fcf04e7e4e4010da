import type BetterSqlite3 from "better-sqlite3";
import type { Pool } from "pg";
import type { StoreUnavailableError } from "../errors.js";
import { mapped } from "./faults.js";

/**
 * Runs the hottest reads (the session lookups of every authenticated request) straight on the driver:
 * compiled once by the query builder (store/prepared.ts), executed without it. Through Kysely each read
 * also pays a connection hand-out, a mutex, plugin and result transforms and a few promises, about as
 * much as the indexed lookup itself on SQLite.
 *
 * Only reads outside transactions come here; what they see is what Kysely would have read: committed
 * rows, on every engine. Nothing is cached between calls, so a session revoked by any process sharing
 * the database is refused by the next read.
 */
export interface RawReader {
  /**
   * The rows of one read as arrays, in the statement's column order, or undefined when it must go through
   * Kysely this time (the caller does). Arrays, because both drivers build a row object column by column
   * through the engine's slow path: for the 21 columns of the profile read that was 40% of the read.
   */
  rows(sql: string, parameters: readonly unknown[]): Promise<unknown[][]> | undefined;
  close(): void | Promise<void>;
}

/**
 * SQLite. For a database file, a connection of its own in WAL mode: a reader never waits for the
 * writer's transactions (a login's, a group commit's) and can never see their uncommitted rows, and a
 * commit by any connection or process is visible to the next read. An in-memory database has no second
 * connection: reads share the one connection, and go through Kysely while a transaction holds it.
 */
export function sqliteReader(database: BetterSqlite3.Database, own: boolean, onFault: (error: StoreUnavailableError) => void): RawReader {
  const statements = new Map<string, BetterSqlite3.Statement>();
  return {
    rows(sql: string, parameters: readonly unknown[]) {
      // The shared connection inside a transaction: the read would see (and land in) that transaction.
      if (!own && database.inTransaction) return undefined;
      try {
        let statement = statements.get(sql);
        // On the shared connection, Kysely's statement cache (store/connect.ts) hands out one statement per
        // SQL text: a text of our own keeps `raw` off the statement Kysely reads objects from.
        if (statement === undefined)
          statements.set(sql, (statement = database.prepare(own ? sql : `/* rows as arrays */ ${sql}`).raw(true)));
        return Promise.resolve(statement.all(...parameters) as unknown[][]);
      } catch (error) {
        return Promise.reject(mapped(error, onFault));
      }
    },
    close: () => {
      if (own && database.open) database.close();
    },
  };
}

/**
 * PostgreSQL: named prepared statements on the pool's connections (parsed and planned once per
 * connection), where Kysely sends each query unnamed, to be parsed and planned every time.
 */
export function postgresReader(pool: Pool, onFault: (error: StoreUnavailableError) => void): RawReader {
  const names = new Map<string, string>();
  return {
    rows(sql: string, parameters: readonly unknown[]) {
      let name = names.get(sql);
      if (name === undefined) names.set(sql, (name = `gatehouse_read_${names.size + 1}`));
      return pool.query({ name, text: sql, values: parameters as unknown[], rowMode: "array" }).then(
        (result) => result.rows as unknown[][],
        (error: unknown) => Promise.reject(mapped(error, onFault)),
      );
    },
    // The pool is Kysely's, closed with it.
    close: () => {},
  };
}
