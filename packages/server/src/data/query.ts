import { ObjectId } from "bson";
import { mingo } from "./mingo.js";
import { encode } from "./values.js";
import { DataServiceError, type Document, type FindOptions } from "./types.js";

/**
 * MongoDB query, update, sort and projection semantics for the builtin backend, all delegated to
 * mingo. This file only adds what mingo leaves to the caller: upserts, `$setOnInsert`, the immutable
 * `_id`, and MongoDB-style errors.
 */

/** Scripts in filters (`$where`, `$function`) would run in the server's main thread: refused. */
const MINGO_OPTIONS = { scriptEnabled: false };

/** A compiled filter. Throws `BadValue` for unknown operators, like MongoDB. */
export function compileFilter(filter: Document | undefined): (doc: Document) => boolean {
  if (!filter || Object.keys(filter).length === 0) return () => true;
  const query = guard(() => new (mingo().Query)(filter, MINGO_OPTIONS));
  return (doc) => guard(() => query.test(doc));
}

/** Sort, skip, limit and project already-matched documents (in their natural order). */
export function shape(docs: Document[], options: FindOptions = {}): Document[] {
  const projection = options.projection && Object.keys(options.projection).length ? options.projection : undefined;
  let cursor = guard(() => mingo().find(docs, {}, projection, MINGO_OPTIONS));
  if (options.sort && Object.keys(options.sort).length) cursor = cursor.sort(options.sort);
  if (options.skip) cursor = cursor.skip(options.skip);
  if (options.limit) cursor = cursor.limit(Math.abs(options.limit));
  return guard(() => cursor.all() as Document[]);
}

/** Refuses replacement documents: `updateOne`/`updateMany` need operators, as in MongoDB. */
export function checkUpdate(update: Document): void {
  const keys = Object.keys(update ?? {});
  if (keys.length === 0 || !keys.every((k) => k.startsWith("$"))) {
    throw new DataServiceError("FailedToParse", "Update document requires atomic operators");
  }
}

/**
 * Applies `update` to `doc` in place. Returns whether anything changed. `$setOnInsert` fields apply
 * only when `inserting`.
 */
export function applyUpdate(doc: Document, update: Document, inserting: boolean): boolean {
  const { $setOnInsert, ...rest } = update as { $setOnInsert?: Document } & Document;
  const modifier: Document = { ...rest };
  if (inserting && $setOnInsert) modifier.$set = { ...(modifier.$set as Document | undefined), ...$setOnInsert };
  if (Object.keys(modifier).length === 0) return false;
  const idBefore = doc._id === undefined ? undefined : encode(doc._id);
  let changed: string[];
  try {
    changed = guard(() => mingo().update(doc, modifier as never, undefined, undefined, { cloneMode: "deep" }));
  } catch (error) {
    // mingo detects some `_id` changes itself; report them like the ones found below.
    if (/immutable field '_id'/.test((error as Error).message)) throw immutableId();
    throw error;
  }
  if (idBefore !== undefined && encode(doc._id) !== idBefore) throw immutableId();
  return changed.length > 0;
}

function immutableId(): DataServiceError {
  return new DataServiceError("ImmutableField", "Performing an update on the path '_id' would modify the immutable field '_id'");
}

/**
 * The document an upsert inserts: the filter's equality conditions (top level, `$eq`, inside `$and`),
 * then the update with `$setOnInsert`, and a fresh ObjectId `_id` when neither gave one.
 */
export function upsertDocument(filter: Document, update: Document): Document {
  const doc: Document = {};
  seedFromFilter(doc, filter);
  applyUpdate(doc, update, true);
  if (doc._id === undefined) return { _id: new ObjectId(), ...doc };
  return doc;
}

function seedFromFilter(doc: Document, filter: Document): void {
  for (const [key, value] of Object.entries(filter ?? {})) {
    if (key === "$and" && Array.isArray(value)) {
      for (const part of value) seedFromFilter(doc, part as Document);
      continue;
    }
    if (key.startsWith("$")) continue;
    if (isOperatorObject(value)) {
      const eq = (value as Document).$eq;
      if (eq !== undefined) setPath(doc, key, eq);
      continue;
    }
    setPath(doc, key, value);
  }
}

function isOperatorObject(value: unknown): boolean {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return false;
  if ((value as { _bsontype?: string })._bsontype !== undefined || value instanceof Date || value instanceof RegExp) return false;
  const keys = Object.keys(value);
  return keys.length > 0 && keys[0]!.startsWith("$");
}

function setPath(doc: Document, path: string, value: unknown): void {
  const parts = path.split(".");
  let target = doc;
  for (const part of parts.slice(0, -1)) {
    const next = target[part];
    if (next === null || typeof next !== "object") target[part] = {};
    target = target[part] as Document;
  }
  target[parts[parts.length - 1]!] = value;
}

/** Runs a mingo call, turning its errors into MongoDB-style `BadValue` errors. */
function guard<T>(fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    if (error instanceof DataServiceError) throw error;
    throw new DataServiceError("BadValue", (error as Error).message ?? String(error));
  }
}
