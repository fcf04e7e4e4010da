/**
 * The MongoDB client functions get from `context.services.get("mongodb-atlas")`, in App Services'
 * shape: `db(name).collection(name)` with `findOne(query, projection, options)`, `find(query,
 * projection, options)` returning a cursor (`sort`, `limit`, `skip`, `project`, `toArray`, `next`,
 * `hasNext`, `forEach`), `count`, `insertOne`, `updateOne(query, update, {upsert})` and so on.
 *
 * Nothing here touches data: each operation is one host call that the main thread runs on the
 * app's `DataService`.
 */

/** Sends one host call for the current function call; resolves with the sandbox-realm result. */
export type HostCaller = (kind: "data" | "service", service: string, method: string, args: unknown[]) => Promise<unknown>;

type Doc = Record<string, unknown>;

export function mongoServiceClient(service: string, host: HostCaller) {
  return {
    db(database: string) {
      if (typeof database !== "string" || !database) throw new TypeError("db() expects a database name");
      return {
        collection(collection: string) {
          if (typeof collection !== "string" || !collection) throw new TypeError("collection() expects a collection name");
          return new RemoteCollection((method, args) => host("data", service, method, [database, collection, ...args]));
        },
      };
    },
  };
}

type Run = (method: string, args: unknown[]) => Promise<unknown>;

/** Operations App Services had that Gatehouse does not run yet: a clear error beats "not a function". */
const UNSUPPORTED = ["aggregate", "distinct", "findOneAndUpdate", "findOneAndReplace", "findOneAndDelete", "bulkWrite", "watch"];

class RemoteCollection {
  constructor(private readonly run: Run) {
    for (const name of UNSUPPORTED) {
      Object.defineProperty(this, name, {
        value: () => Promise.reject(new Error(`collection.${name}() is not supported by Gatehouse yet`)),
      });
    }
  }

  findOne(query: Doc = {}, projection?: Doc, options: { sort?: Doc } = {}) {
    return this.run("findOne", [query, compact({ projection, sort: options?.sort })]);
  }

  find(query: Doc = {}, projection?: Doc, options: { sort?: Doc; limit?: number; skip?: number } = {}) {
    return new RemoteCursor(this.run, query, compact({ projection, sort: options?.sort, limit: options?.limit, skip: options?.skip }));
  }

  count(query: Doc = {}, options: { limit?: number; skip?: number } = {}) {
    return this.countDocuments(query, options);
  }

  countDocuments(query: Doc = {}, options: { limit?: number; skip?: number } = {}) {
    return this.run("countDocuments", [query, compact({ limit: options?.limit, skip: options?.skip })]);
  }

  insertOne(document: Doc) {
    return this.run("insertOne", [document]);
  }

  insertMany(documents: Doc[]) {
    return this.run("insertMany", [documents]);
  }

  updateOne(query: Doc, update: Doc, options: { upsert?: boolean } = {}) {
    return this.run("updateOne", [query, update, { upsert: !!options?.upsert }]);
  }

  updateMany(query: Doc, update: Doc, options: { upsert?: boolean } = {}) {
    return this.run("updateMany", [query, update, { upsert: !!options?.upsert }]);
  }

  deleteOne(query: Doc = {}) {
    return this.run("deleteOne", [query]);
  }

  deleteMany(query: Doc = {}) {
    return this.run("deleteMany", [query]);
  }
}

/** Lazy: the query runs on the first `toArray`/`next`/`hasNext`/`forEach`. */
class RemoteCursor {
  private buffer: unknown[] | undefined;

  constructor(
    private readonly run: Run,
    private readonly query: Doc,
    private readonly options: Doc,
  ) {}

  sort(spec: Doc) {
    this.options.sort = spec;
    return this;
  }

  limit(n: number) {
    this.options.limit = n;
    return this;
  }

  skip(n: number) {
    this.options.skip = n;
    return this;
  }

  project(projection: Doc) {
    this.options.projection = projection;
    return this;
  }

  async toArray(): Promise<unknown[]> {
    const rest = await this.fetch();
    this.buffer = [];
    return rest;
  }

  async next(): Promise<unknown> {
    const buffer = await this.fetch();
    return buffer.length ? buffer.shift() : null;
  }

  async hasNext(): Promise<boolean> {
    return (await this.fetch()).length > 0;
  }

  async forEach(fn: (doc: unknown) => unknown): Promise<void> {
    for (const doc of await this.toArray()) await fn(doc);
  }

  private async fetch(): Promise<unknown[]> {
    this.buffer ??= (await this.run("find", [this.query, this.options])) as unknown[];
    return this.buffer;
  }
}

/** Drops undefined entries, so options cross the boundary as `{}` rather than `{sort: null}`. */
function compact(options: Doc): Doc {
  const out: Doc = {};
  for (const [key, value] of Object.entries(options)) if (value !== undefined && value !== null) out[key] = value;
  return out;
}
