import type { Kysely } from "kysely";
import { engineOf } from "./documents-table.js";
import { PreparedQuery } from "./prepared.js";
import type { AuditEvent } from "./records.js";
import type { Database } from "./schema.js";

/** Fixed-window counters for rate limiting, shared by every server instance through the store. */
export class RateLimitRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /**
   * Counts one hit on `key` in the window that starts at `windowStart` and returns the count so far.
   * One statement, so concurrent hits from several instances never lose an increment.
   */
  async hit(key: string, windowStart: number): Promise<number> {
    const { rows } = await rateLimitHit.run(this.db, { key, windowStart });
    return Number(rows[0]!.count);
  }

  /** Forgets counters (a successful login clears its account's failures). */
  async clear(keys: string[]): Promise<void> {
    if (keys.length > 0) await this.db.deleteFrom("rate_limits").where("key", "in", keys).execute();
  }
}

/** The append-only audit log. */
export class AuditRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async append(event: AuditEvent): Promise<void> {
    await this.appendMany([event]);
  }

  /**
   * Appends events in order, in multi-row inserts (see {@link auditStatementRows}: 37 events are 32 and 5
   * rows). Each size is a statement prepared once per connection, and a statement for n rows holds a
   * program that grows with n: with one statement for every size from 1 to 100 rows, about 6 MB ended up
   * prepared on SQLite under a varied load; the sizes used now hold a twentieth of it.
   */
  async appendMany(events: AuditEvent[]): Promise<void> {
    for (let start = 0; start < events.length;) {
      const rows = auditStatementRows(events.length - start);
      // In placeholder order, row by row: binding ~9 values an event by name cost more than inserting it.
      const values: unknown[] = [];
      for (let i = start; i < start + rows; i++) {
        const event = events[i]!;
        values.push(
          event.appId,
          event.at,
          event.type,
          event.userId ?? null,
          event.provider ?? null,
          event.ip ?? null,
          event.result,
          event.detail ?? null,
          event.actor ?? null,
        );
      }
      start += rows;
      const { query, order } = appendAudit(rows, rows > 1 && this.db.isTransaction);
      await query.runInOrder(this.db, order, values);
    }
  }

  /** Events of an app, oldest first, optionally of one type or one user. */
  async list(query: { appId: string; type?: string; userId?: string; limit?: number }): Promise<AuditEvent[]> {
    let q = this.db.selectFrom("audit_events").selectAll().where("app_id", "=", query.appId);
    if (query.type) q = q.where("type", "=", query.type);
    if (query.userId) q = q.where("user_id", "=", query.userId);
    const rows = await q
      .orderBy("id")
      .limit(query.limit ?? 10_000)
      .execute();
    return rows.map((r) => ({
      appId: r.app_id,
      at: Number(r.at),
      type: r.type,
      userId: r.user_id,
      provider: r.provider,
      ip: r.ip,
      result: r.result,
      detail: r.detail,
      actor: r.actor,
    }));
  }
}

/** Per-app token signing secrets, generated once and shared by every instance. */
export class SigningKeyRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async list(appId: string): Promise<{ kid: string; secret: string; createdAt: number }[]> {
    const rows = await this.db.selectFrom("signing_keys").selectAll().where("app_id", "=", appId).orderBy("created_at").execute();
    return rows.map((r) => ({ kid: r.kid, secret: r.secret, createdAt: Number(r.created_at) }));
  }

  /** Adds a key unless one with that kid exists (two instances starting at once agree on the first). */
  async addIfAbsent(appId: string, kid: string, secret: string, at: number): Promise<void> {
    await this.db
      .insertInto("signing_keys")
      .values({ app_id: appId, kid, secret, created_at: at })
      .onConflict((oc) => oc.columns(["app_id", "kid"]).doNothing())
      .execute();
  }
}

// One statement, so concurrent hits from several instances never lose an increment.
const rateLimitHit = new PreparedQuery((db: Kysely<Database>, p) =>
  db
    .insertInto("rate_limits")
    .values({ key: p("key"), window_start: p("windowStart"), count: 1 })
    .onConflict((oc) =>
      oc.column("key").doUpdateSet((eb) => ({
        count: eb
          .case()
          .when("rate_limits.window_start", "=", p("windowStart"))
          .then(eb(eb.ref("rate_limits.count"), "+", 1))
          .else(1)
          .end(),
        window_start: p("windowStart"),
      })),
    )
    .returning("count"),
);
/** The largest statement's rows (a power of two); 9 parameters a row, far below either engine's limit. */
const AUDIT_ROWS_PER_STATEMENT = 64;
/** Batches up to this many events are one statement of exactly their size. */
const AUDIT_EXACT_ROWS = 16;
/**
 * The rows of the next insert when `left` events remain: all of them up to 16, else the largest power of
 * two (at most 64). The group commit's batches under load are mostly under 16 events; as one statement
 * such a batch needs no transaction around it (a single statement is atomic), where split into powers of
 * two it took two or three statements and a BEGIN and COMMIT through the query builder.
 */
function auditStatementRows(left: number): number {
  return left <= AUDIT_EXACT_ROWS ? left : 2 ** Math.floor(Math.log2(Math.min(left, AUDIT_ROWS_PER_STATEMENT)));
}
/** How many INSERT statements {@link AuditRepository.appendMany} runs for `rows` events. */
export function auditInsertStatements(rows: number): number {
  let statements = 0;
  for (let left = rows; left > 0; left -= auditStatementRows(left)) statements++;
  return statements;
}
/** An audit event's columns, in the order {@link AuditRepository.appendMany} gives their values. */
const AUDIT_COLUMNS = ["app_id", "at", "type", "user_id", "provider", "ip", "result", "detail", "actor"] as const;
const appendAuditByRows = new Map<string, { query: PreparedQuery<unknown>; order: readonly string[] }>();
/**
 * The prepared insert of `rows` audit events (compiled once per row count and engine), and its placeholders'
 * names. `inTransaction`: on SQLite, `insert or fail`. Inside a transaction SQLite otherwise copies every
 * page a multi-row insert changes into a statement journal, so that a row refused after others could undo
 * the statement alone; a failed statement never goes on in Gatehouse (its transaction is rolled back whole:
 * Store.transaction, GroupCommit), so the copy is never used. It cost ~3 µs of an anonymous login's two-row
 * insert. Outside a transaction `or fail` would commit the rows before a refused one: the plain insert.
 */
function appendAudit(rows: number, inTransaction: boolean): { query: PreparedQuery<unknown>; order: readonly string[] } {
  const key = `${rows}${inTransaction ? "t" : ""}`;
  let prepared = appendAuditByRows.get(key);
  if (!prepared) {
    const order = Array.from({ length: rows }, (_, i) => AUDIT_COLUMNS.map((column) => `${column}${i}`)).flat();
    const query = new PreparedQuery((db: Kysely<Database>, p) => {
      const insert = db.insertInto("audit_events").values(
        Array.from({ length: rows }, (_, i) => ({
          app_id: p(`app_id${i}`),
          at: p(`at${i}`),
          type: p(`type${i}`),
          user_id: p(`user_id${i}`),
          provider: p(`provider${i}`),
          ip: p(`ip${i}`),
          result: p(`result${i}`),
          detail: p(`detail${i}`),
          actor: p(`actor${i}`),
        })),
      );
      return inTransaction && engineOf(db) === "sqlite" ? insert.orFail() : insert;
    });
    prepared = { query, order };
    appendAuditByRows.set(key, prepared);
  }
  return prepared;
}
