import type { Compilable, CompiledQuery, Kysely, QueryResult } from "kysely";
import { engineOf } from "./documents-table.js";
import type { RawReader } from "./raw-reader.js";
import { transactionStatements } from "./transaction-statements.js";

/** Names a parameter of a prepared query (returns a placeholder to put where the value goes). */
export type Param = (name: string) => any;

const SENTINEL = "\u0000gatehouse-param:";

/**
 * A query built and compiled once per engine, then run with new parameter values: Kysely otherwise
 * rebuilds and recompiles the SQL on every call, which costs more than the indexed lookup itself on the
 * hot paths (a 20-column join: ~30 µs to compile, ~3 µs to run on SQLite).
 *
 * @example
 * ```ts
 * const byId = new PreparedQuery((db, p) => db.selectFrom("users").selectAll().where("id", "=", p("id")));
 * const { rows } = await byId.run(store.db, { id });
 * ```
 */
export class PreparedQuery<Row> {
  private readonly compiled = new Map<
    string,
    { query: CompiledQuery<Row>; slots: ({ name: string } | { value: unknown })[]; order?: readonly string[] }
  >();

  constructor(private readonly build: (db: Kysely<any>, p: Param) => Compilable<Row>) {}

  run(db: Kysely<any>, values: Record<string, unknown>): Promise<QueryResult<Row>> {
    const { query, parameters } = this.bind(db, values);
    return this.execute(db, query, parameters);
  }

  /**
   * Like {@link run}, with the values already in the order of the statement's placeholders, whose names
   * are `order`: no lookup by name per value. For statements with many parameters (a multi-row insert
   * built from `value${i}` names cost more to bind by name than to run). `order` is checked against the
   * compiled statement once per engine, and the call refused if it differs.
   */
  runInOrder(db: Kysely<any>, order: readonly string[], parameters: readonly unknown[]): Promise<QueryResult<Row>> {
    const prepared = this.prepare(db);
    if (prepared.order !== order) {
      const names = prepared.slots.map((slot) => ("name" in slot ? slot.name : undefined));
      if (names.length !== order.length || names.some((name, i) => name !== order[i])) {
        throw new Error(`prepared query: placeholders are not in the order given (${names.join(", ")})`);
      }
      prepared.order = order;
    }
    if (parameters.length !== order.length) throw new Error(`prepared query: ${order.length} values expected, ${parameters.length} given`);
    return this.execute(db, prepared.query, parameters);
  }

  /** A compiled statement on the open transaction's connection directly when it has one, else through Kysely. */
  private execute(db: Kysely<any>, query: CompiledQuery<Row>, parameters: readonly unknown[]): Promise<QueryResult<Row>> {
    const direct = transactionStatements(db);
    if (direct) return direct(query.sql, parameters) as Promise<QueryResult<Row>>;
    return db.executeQuery<Row>({ ...query, parameters });
  }

  /**
   * The rows of a read as arrays in the order of `columns` (the names of its select list, in order): through
   * `reader` (the driver itself, store/raw-reader.ts) when there is one and it can take the read now, else
   * through Kysely. Same SQL either way.
   */
  async readRows(
    db: Kysely<any>,
    values: Record<string, unknown>,
    reader: RawReader | undefined,
    columns: readonly string[],
  ): Promise<unknown[][]> {
    const { query, parameters } = this.bind(db, values);
    const rows = reader?.rows(query.sql, parameters);
    if (rows) return rows;
    const direct = transactionStatements(db);
    const result = direct
      ? ((await direct(query.sql, parameters)) as QueryResult<Record<string, unknown>>)
      : await db.executeQuery<Record<string, unknown>>({ ...query, parameters } as CompiledQuery<Record<string, unknown>>);
    return result.rows.map((row) => columns.map((column) => row[column]));
  }

  private prepare(db: Kysely<any>) {
    const engine = engineOf(db);
    let prepared = this.compiled.get(engine);
    if (!prepared) {
      const query = this.build(db, (name) => `${SENTINEL}${name}`).compile();
      const slots = query.parameters.map((value) =>
        typeof value === "string" && value.startsWith(SENTINEL) ? { name: value.slice(SENTINEL.length) } : { value },
      );
      prepared = { query, slots };
      this.compiled.set(engine, prepared);
    }
    return prepared;
  }

  private bind(db: Kysely<any>, values: Record<string, unknown>): { query: CompiledQuery<Row>; parameters: unknown[] } {
    const prepared = this.prepare(db);
    const parameters = prepared.slots.map((slot) => {
      if (!("name" in slot)) return slot.value;
      const value = values[slot.name];
      if (value === undefined) throw new Error(`prepared query: no value for '${slot.name}'`);
      return value;
    });
    return { query: prepared.query, parameters };
  }
}
