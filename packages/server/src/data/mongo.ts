import { MongoClient, type Collection, type Document as MongoDocument, type Filter } from "mongodb";
import type { DataCollection, DataService, Document, FindOptions, UpdateOptions, UpdateResult } from "./types.js";

/**
 * A real MongoDB behind `context.services.get(...)`, through the official driver. The client
 * connects on first use and is shared by every collection handle.
 *
 * Int64 values stay `Long` (`promoteLongs: false`) so a document read and written back keeps its
 * types, matching the builtin backend; Int32 and Double arrive as numbers, the driver's default.
 *
 * @param uri a `mongodb://` or `mongodb+srv://` connection string.
 * @example
 * ```ts
 * const data = createMongoDataService(app.dataSources["mongodb-atlas"].uri!);
 * const doc = await data.collection("app", "users").findOne({ user_id: id });
 * await data.close();
 * ```
 */
export function createMongoDataService(uri: string): DataService {
  const client = new MongoClient(uri, { promoteLongs: false, ignoreUndefined: true });
  return {
    collection: (database, collection) => new MongoCollection(client.db(database).collection(collection)),
    close: () => client.close(),
  };
}

class MongoCollection implements DataCollection {
  constructor(private readonly coll: Collection<MongoDocument>) {}

  findOne(filter: Document = {}, options: FindOptions = {}): Promise<Document | null> {
    return this.coll.findOne(filter as Filter<MongoDocument>, findOptions(options));
  }

  find(filter: Document = {}, options: FindOptions = {}): Promise<Document[]> {
    return this.coll.find(filter as Filter<MongoDocument>, findOptions(options)).toArray();
  }

  countDocuments(filter: Document = {}, options: Pick<FindOptions, "limit" | "skip"> = {}): Promise<number> {
    return this.coll.countDocuments(filter as Filter<MongoDocument>, findOptions(options));
  }

  async insertOne(document: Document): Promise<{ insertedId: unknown }> {
    const result = await this.coll.insertOne(document);
    return { insertedId: result.insertedId };
  }

  async insertMany(documents: Document[]): Promise<{ insertedIds: unknown[] }> {
    const result = await this.coll.insertMany(documents);
    // The driver reports ids as {index: id}; App Services returned an array in input order.
    return { insertedIds: documents.map((_, i) => result.insertedIds[i]) };
  }

  async updateOne(filter: Document, update: Document, options: UpdateOptions = {}): Promise<UpdateResult> {
    return updateResult(await this.coll.updateOne(filter as Filter<MongoDocument>, update, { upsert: !!options.upsert }));
  }

  async updateMany(filter: Document, update: Document, options: UpdateOptions = {}): Promise<UpdateResult> {
    return updateResult(await this.coll.updateMany(filter as Filter<MongoDocument>, update, { upsert: !!options.upsert }));
  }

  async deleteOne(filter: Document): Promise<{ deletedCount: number }> {
    return { deletedCount: (await this.coll.deleteOne(filter as Filter<MongoDocument>)).deletedCount };
  }

  async deleteMany(filter: Document): Promise<{ deletedCount: number }> {
    return { deletedCount: (await this.coll.deleteMany(filter as Filter<MongoDocument>)).deletedCount };
  }
}

/** Only the options the contract names; anything else a function passed is ignored, not forwarded. */
function findOptions(options: FindOptions): { projection?: MongoDocument; sort?: Record<string, 1 | -1>; limit?: number; skip?: number } {
  const out: { projection?: MongoDocument; sort?: Record<string, 1 | -1>; limit?: number; skip?: number } = {};
  if (options.projection) out.projection = options.projection;
  if (options.sort) out.sort = options.sort;
  if (options.limit) out.limit = options.limit;
  if (options.skip) out.skip = options.skip;
  return out;
}

function updateResult(result: { matchedCount: number; modifiedCount: number; upsertedId: unknown }): UpdateResult {
  const out: UpdateResult = { matchedCount: result.matchedCount, modifiedCount: result.modifiedCount };
  if (result.upsertedId !== null && result.upsertedId !== undefined) out.upsertedId = result.upsertedId;
  return out;
}
