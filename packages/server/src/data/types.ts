/**
 * The data-access contract behind `context.services.get("mongodb-atlas")`.
 *
 * Values are JavaScript values as the official Node driver returns them by default: BSON Int32 and
 * Double are plain `number`s, every other BSON type keeps its `bson` class (`ObjectId`, `Long`,
 * `Decimal128`, `Binary`, `Date`...). Both backends (builtin SQL collections, real MongoDB) honour it,
 * so a function behaves the same on either.
 */

/** A MongoDB document. */
export type Document = Record<string, unknown>;

/** `1` / `-1` per field, applied in key order. */
export type SortSpec = Record<string, 1 | -1>;

/** Options of `find`, `findOne` and `countDocuments`. */
export interface FindOptions {
  /** MongoDB projection (`{a: 1}` or `{a: 0}`). */
  projection?: Document;
  sort?: SortSpec;
  /** At most this many documents; `0` or absent means no limit. */
  limit?: number;
  skip?: number;
}

/** Options of `updateOne` / `updateMany`. */
export interface UpdateOptions {
  /** Insert a document built from the filter's equality fields and the update when none matches. */
  upsert?: boolean;
}

/** Result of `insertOne`, as App Services and the driver report it. */
export interface InsertOneResult {
  insertedId: unknown;
}

/** Result of `insertMany`: ids in input order (an array, as App Services returns it). */
export interface InsertManyResult {
  insertedIds: unknown[];
}

/** Result of `updateOne` / `updateMany`. */
export interface UpdateResult {
  matchedCount: number;
  modifiedCount: number;
  /** Present when an upsert inserted a document. */
  upsertedId?: unknown;
}

/** Result of `deleteOne` / `deleteMany`. */
export interface DeleteResult {
  deletedCount: number;
}

/** One collection. Every method is one round trip to the backend. */
export interface DataCollection {
  findOne(filter?: Document, options?: FindOptions): Promise<Document | null>;
  find(filter?: Document, options?: FindOptions): Promise<Document[]>;
  countDocuments(filter?: Document, options?: Pick<FindOptions, "limit" | "skip">): Promise<number>;
  insertOne(document: Document): Promise<InsertOneResult>;
  insertMany(documents: Document[]): Promise<InsertManyResult>;
  updateOne(filter: Document, update: Document, options?: UpdateOptions): Promise<UpdateResult>;
  updateMany(filter: Document, update: Document, options?: UpdateOptions): Promise<UpdateResult>;
  deleteOne(filter: Document): Promise<DeleteResult>;
  deleteMany(filter: Document): Promise<DeleteResult>;
}

/**
 * A MongoDB-like data source: builtin collections ({@link createBuiltinDataService}) or a real
 * MongoDB ({@link createMongoDataService}).
 *
 * @example
 * ```ts
 * const users = data.collection("app", "users");
 * await users.updateOne({ user_id: id }, { $set: { name } }, { upsert: true });
 * ```
 */
export interface DataService {
  /** A handle on one collection; cheap, no I/O until an operation runs. */
  collection(database: string, collection: string): DataCollection;
  /** Releases connections the service opened itself (never a Kysely instance it was given). */
  close(): Promise<void>;
}

/** The methods a function may call on a collection through the host bridge. */
export const COLLECTION_METHODS = [
  "findOne",
  "find",
  "countDocuments",
  "insertOne",
  "insertMany",
  "updateOne",
  "updateMany",
  "deleteOne",
  "deleteMany",
] as const satisfies readonly (keyof DataCollection)[];

/** A data operation refused or failed; the message reaches the function as a thrown error. */
export class DataServiceError extends Error {
  /** `DuplicateKey`, `BadValue`, `FailedToParse` ... (MongoDB code names). */
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.name = "DataServiceError";
    this.code = code;
  }
}
