import type { CompiledQuery } from "kysely";
import type { Store } from "../../src/store/store.js";

/**
 * Keeps every query the store's Kysely executor runs, in order, so a test can find the one it wants and
 * EXPLAIN it. Statements a transaction runs directly on SQLite (store/transaction-statements.ts) do not
 * pass the executor and are not seen; the searches these tests look at run outside transactions.
 */
export function recordQueries(store: Store): CompiledQuery[] {
  const seen: CompiledQuery[] = [];
  const executor = store.db.getExecutor();
  const execute = executor.executeQuery.bind(executor);
  executor.executeQuery = ((query: CompiledQuery) => {
    seen.push(query);
    return execute(query);
  }) as typeof executor.executeQuery;
  return seen;
}
