import type { Collection, Document as MongoDocument, Filter, MongoClient } from "mongodb";
import type { DataCollection, DataService, Document, FindOptions, UpdateOptions, UpdateResult } from "./types.js";

/**
 * A real MongoDB behind `context.services.get(...)`, through the official driver. The driver is
 * loaded and the client connects on first use (the driver costs ~20 MB of memory, which a server
 * without a MongoDB data source should not pay); one client is shared by every collection handle.
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
  let client: Promise<MongoClient> | undefined;
  const connect = () =>
    (client ??= import("mongodb").then(({ MongoClient }) => new MongoClient(uri, { promoteLongs: false, ignoreUndefined: true })));
  return {
    collection: (database, collection) => new MongoCollection(async () => (await connect()).db(database).collection(collection)),
    close: async () => {
      if (client) await (await client).close();
    },
  };
}

class MongoCollection implements DataCollection {
  constructor(private readonly handle: () => Promise<Collection<MongoDocument>>) {}

  async findOne(filter: Document = {}, options: FindOptions = {}): Promise<Document | null> {
    return (await this.handle()).findOne(filter as Filter<MongoDocument>, findOptions(options));
  }

  async find(filter: Document = {}, options: FindOptions = {}): Promise<Document[]> {
    return (await this.handle()).find(filter as Filter<MongoDocument>, findOptions(options)).toArray();
  }

  async countDocuments(filter: Document = {}, options: Pick<FindOptions, "limit" | "skip"> = {}): Promise<number> {
    return (await this.handle()).countDocuments(filter as Filter<MongoDocument>, findOptions(options));
  }

  async insertOne(document: Document): Promise<{ insertedId: unknown }> {
    const result = await (await this.handle()).insertOne(document);
    return { insertedId: result.insertedId };
  }

  async insertMany(documents: Document[]): Promise<{ insertedIds: unknown[] }> {
    const result = await (await this.handle()).insertMany(documents);
    // The driver reports ids as {index: id}; App Services returned an array in input order.
    return { insertedIds: documents.map((_, i) => result.insertedIds[i]) };
  }

  async updateOne(filter: Document, update: Document, options: UpdateOptions = {}): Promise<UpdateResult> {
    return updateResult(await (await this.handle()).updateOne(filter as Filter<MongoDocument>, update, { upsert: !!options.upsert }));
  }

  async updateMany(filter: Document, update: Document, options: UpdateOptions = {}): Promise<UpdateResult> {
    return updateResult(await (await this.handle()).updateMany(filter as Filter<MongoDocument>, update, { upsert: !!options.upsert }));
  }

  async deleteOne(filter: Document): Promise<{ deletedCount: number }> {
    return { deletedCount: (await (await this.handle()).deleteOne(filter as Filter<MongoDocument>)).deletedCount };
  }

  async deleteMany(filter: Document): Promise<{ deletedCount: number }> {
    return { deletedCount: (await (await this.handle()).deleteMany(filter as Filter<MongoDocument>)).deletedCount };
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
