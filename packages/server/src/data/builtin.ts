import type { Kysely, Transaction } from "kysely";
import { ObjectId } from "bson";
import { engineOf, type DocumentsDatabase } from "../store/documents-table.js";
import { fieldExpression, fieldTypeExpression, indexableKey, keyValue } from "./field-index.js";
import { applyUpdate, checkUpdate, compileFilter, shape, upsertDocument } from "./query.js";
import { decode, encode, isScalar } from "./values.js";
import {
  DataServiceError,
  type DataCollection,
  type DataService,
  type Document,
  type FindOptions,
  type UpdateOptions,
  type UpdateResult,
} from "./types.js";

type Db = Kysely<DocumentsDatabase> | Transaction<DocumentsDatabase>;

/** Rows read per statement of a scan; the event loop gets a turn between pages. */
const PAGE = 256;

/** Options of {@link createBuiltinDataService}. */
export interface BuiltinOptions {
  /**
   * Top-level fields with expression indexes ({@link ensureFieldIndex}, the custom user data user-id
   * field): an equality on one of them with a string or ObjectId reads only the matching documents.
   */
  indexedFields?: string[];
}

/** Builtin collections, plus a count of the documents their queries read (for tests and metrics). */
export interface BuiltinDataService extends DataService {
  /** Documents read and decoded so far by every query of this service. */
  readonly documentsRead: number;
}

/** A stored row, parsed. */
interface Row {
  docId: string;
  doc: Document;
}

/**
 * Builtin collections stored in Gatehouse's own database (the `documents` table of
 * {@link documentsMigration}), for apps without a MongoDB URI.
 *
 * Queries read the collection's rows in insertion order and match them with mingo, a page at a time
 * with the event loop free between pages. A filter on `_id` (a value, `$eq` or `$in`) reads only those
 * rows through the primary key; an equality on an indexed field (`options.indexedFields`) only the rows
 * the index names. Every write runs in one transaction.
 *
 * @param db the store's Kysely instance (SQLite or PostgreSQL); it is not closed by `close()`.
 * @param appId the app whose collections this service sees; apps never see each other's documents.
 * @example
 * ```ts
 * const data = createBuiltinDataService(store.db, app.clientAppId);
 * await data.collection("app", "users").insertOne({ user_id: "65f0...", plan: "free" });
 * ```
 */
export function createBuiltinDataService(db: Kysely<any>, appId: string, options: BuiltinOptions = {}): BuiltinDataService {
  const typed = db as Kysely<DocumentsDatabase>;
  const stats = { read: 0 };
  const indexed = options.indexedFields ?? [];
  return {
    collection: (database, collection) => new BuiltinCollection(typed, { appId, database, collection }, indexed, stats),
    close: async () => {},
    get documentsRead() {
      return stats.read;
    },
  };
}

interface Namespace {
  appId: string;
  database: string;
  collection: string;
}

class BuiltinCollection implements DataCollection {
  constructor(
    private readonly db: Kysely<DocumentsDatabase>,
    private readonly ns: Namespace,
    private readonly indexedFields: readonly string[],
    private readonly stats: { read: number },
  ) {}

  async findOne(filter: Document = {}, options: FindOptions = {}): Promise<Document | null> {
    const sorted = options.sort && Object.keys(options.sort).length > 0;
    // Without a sort the first match in natural order is the answer: stop scanning there.
    const rows = await this.scan(this.db, filter, sorted || options.skip ? undefined : 1);
    return (
      shape(
        rows.map((r) => r.doc),
        { ...options, limit: 1 },
      )[0] ?? null
    );
  }

  async find(filter: Document = {}, options: FindOptions = {}): Promise<Document[]> {
    const rows = await this.scan(this.db, filter);
    return shape(
      rows.map((r) => r.doc),
      options,
    );
  }

  async countDocuments(filter: Document = {}, options: Pick<FindOptions, "limit" | "skip"> = {}): Promise<number> {
    const matched = (await this.scan(this.db, filter)).length;
    const afterSkip = Math.max(0, matched - (options.skip ?? 0));
    return options.limit ? Math.min(afterSkip, Math.abs(options.limit)) : afterSkip;
  }

  async insertOne(document: Document): Promise<{ insertedId: unknown }> {
    const [id] = await this.db.transaction().execute((trx) => this.insert(trx, [document]));
    return { insertedId: id };
  }

  /** All or nothing: one duplicate `_id` inserts none of the batch. */
  async insertMany(documents: Document[]): Promise<{ insertedIds: unknown[] }> {
    if (!Array.isArray(documents) || documents.length === 0) {
      throw new DataServiceError("BadValue", "Invalid BulkOperation, Batch cannot be empty");
    }
    const insertedIds = await this.db.transaction().execute((trx) => this.insert(trx, documents));
    return { insertedIds };
  }

  updateOne(filter: Document, update: Document, options: UpdateOptions = {}): Promise<UpdateResult> {
    return this.update(filter, update, options, 1);
  }

  updateMany(filter: Document, update: Document, options: UpdateOptions = {}): Promise<UpdateResult> {
    return this.update(filter, update, options);
  }

  deleteOne(filter: Document): Promise<{ deletedCount: number }> {
    return this.delete(filter, 1);
  }

  deleteMany(filter: Document): Promise<{ deletedCount: number }> {
    return this.delete(filter);
  }

  private async update(filter: Document, update: Document, options: UpdateOptions, max?: number): Promise<UpdateResult> {
    checkUpdate(update);
    return this.db.transaction().execute(async (trx) => {
      const rows = await this.scan(trx, filter, max);
      if (rows.length === 0 && options.upsert) {
        const [upsertedId] = await this.insert(trx, [upsertDocument(filter ?? {}, update)]);
        return { matchedCount: 0, modifiedCount: 0, upsertedId };
      }
      let modifiedCount = 0;
      for (const row of rows) {
        if (!applyUpdate(row.doc, update, false)) continue;
        modifiedCount++;
        await this.where(trx.updateTable("documents").set({ doc: encode(row.doc) }))
          .where("doc_id", "=", row.docId)
          .execute();
      }
      return { matchedCount: rows.length, modifiedCount };
    });
  }

  private async delete(filter: Document, max?: number): Promise<{ deletedCount: number }> {
    return this.db.transaction().execute(async (trx) => {
      const rows = await this.scan(trx, filter, max);
      if (rows.length === 0) return { deletedCount: 0 };
      await this.where(trx.deleteFrom("documents"))
        .where(
          "doc_id",
          "in",
          rows.map((r) => r.docId),
        )
        .execute();
      return { deletedCount: rows.length };
    });
  }

  /** Inserts in order; `_id` comes first in the stored document, as MongoDB stores it. */
  private async insert(trx: Transaction<DocumentsDatabase>, documents: Document[]): Promise<unknown[]> {
    const top = await this.where(trx.selectFrom("documents"))
      .select((eb) => eb.fn.max("seq").as("top"))
      .executeTakeFirst();
    let seq = Number(top?.top ?? 0);
    const ids: unknown[] = [];
    const batch = new Set<string>();
    for (const document of documents) {
      if (document === null || typeof document !== "object" || Array.isArray(document)) {
        throw new DataServiceError("BadValue", "document to insert must be an object");
      }
      const doc = document._id === undefined ? { _id: new ObjectId(), ...document } : document;
      const docId = encode(doc._id);
      const existing = await this.where(trx.selectFrom("documents")).select("doc_id").where("doc_id", "=", docId).executeTakeFirst();
      if (existing || batch.has(docId)) throw duplicateKey(this.ns, docId);
      batch.add(docId);
      await trx
        .insertInto("documents")
        .values({ app_id: this.ns.appId, db_name: this.ns.database, coll: this.ns.collection, doc_id: docId, doc: encode(doc), seq: ++seq })
        .execute();
      ids.push(doc._id);
    }
    return ids;
  }

  /**
   * Matching rows in insertion order, at most `max`. Reads only the named rows when the filter pins
   * `_id` or an indexed field; otherwise the whole collection, a page at a time.
   */
  private async scan(db: Db, filter: Document | undefined, max?: number): Promise<Row[]> {
    const matches = compileFilter(filter);
    const base = this.where(db.selectFrom("documents")).select(["doc_id", "doc", "seq"]);
    const out: Row[] = [];
    /** Decodes and tests rows; true once `max` matched. */
    const take = (rows: { doc_id: string; doc: string }[]): boolean => {
      for (const raw of rows) {
        this.stats.read++;
        const doc = decode(raw.doc) as Document;
        if (!matches(doc)) continue;
        out.push({ docId: raw.doc_id, doc });
        if (max !== undefined && out.length >= max) return true;
      }
      return false;
    };
    const ids = idKeys(filter);
    if (ids) {
      if (ids.length > 0) take(await base.where("doc_id", "in", ids).orderBy("seq").execute());
      return out;
    }
    const lookup = indexedEquality(filter, this.indexedFields);
    if (lookup) {
      const engine = engineOf(db);
      const [byValue, arrays] = await Promise.all([
        base.where((eb) => eb(fieldExpression(engine, lookup.field), "in", lookup.keys.map((k) => keyValue(engine, k)))).execute(),
        // `{f: v}` matches an array holding v too: those rows come through the type index.
        base.where((eb) => eb(fieldTypeExpression(engine, lookup.field), "=", "array")).execute(),
      ]);
      const seen = new Set<string>();
      const rows = [...byValue, ...arrays].filter((r) => !seen.has(r.doc_id) && seen.add(r.doc_id));
      take(rows.sort((a, b) => Number(a.seq) - Number(b.seq)));
      return out;
    }
    for (let after = Number.NEGATIVE_INFINITY; ; ) {
      const page = await (after === Number.NEGATIVE_INFINITY ? base : base.where("seq", ">", after)).orderBy("seq").limit(PAGE).execute();
      if (take(page) || page.length < PAGE) return out;
      after = Number(page[page.length - 1]!.seq);
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  }

  /** Scopes a query to this collection. Typed loosely: Kysely's builders differ per statement kind. */
  private where<Q extends { where: (...args: any[]) => any }>(query: Q): Q {
    return query.where("app_id", "=", this.ns.appId).where("db_name", "=", this.ns.database).where("coll", "=", this.ns.collection) as Q;
  }
}

/**
 * An equality of the filter's top level (`{f: v}` or `{f: {$eq: v}}`) on an indexed field with a value
 * the index can look up, or undefined.
 */
function indexedEquality(filter: Document | undefined, fields: readonly string[]): { field: string; keys: string[] } | undefined {
  if (!filter) return undefined;
  for (const field of fields) {
    if (!Object.hasOwn(filter, field)) continue;
    let value = filter[field];
    if (value !== null && typeof value === "object" && !Array.isArray(value) && Object.keys(value).length === 1 && "$eq" in value) {
      value = (value as Document).$eq;
    }
    const key = indexableKey(value);
    if (key !== undefined) return { field, keys: [key] };
  }
  return undefined;
}

/** The `doc_id` keys a filter pins `_id` to (`{_id: v}`, `{_id: {$eq: v}}`, `{_id: {$in: [...]}}`), or undefined. */
function idKeys(filter: Document | undefined): string[] | undefined {
  if (!filter || !("_id" in filter)) return undefined;
  const id = filter._id;
  if (isScalar(id)) return [encode(id)];
  if (id === null || typeof id !== "object" || Array.isArray(id)) return undefined;
  const keys = Object.keys(id);
  if (keys.length !== 1) return undefined;
  const operand = (id as Document)[keys[0]!];
  if (keys[0] === "$eq" && isScalar(operand)) return [encode(operand)];
  if (keys[0] === "$in" && Array.isArray(operand) && operand.every(isScalar)) return operand.map(encode);
  return undefined;
}

function duplicateKey(ns: Namespace, docId: string): DataServiceError {
  return new DataServiceError(
    "DuplicateKey",
    `E11000 duplicate key error collection: ${ns.database}.${ns.collection} index: _id_ dup key: { _id: ${docId} }`,
  );
}
