import { EJSON } from "bson";
import type { Kysely } from "kysely";
import type { DocumentsDatabase } from "../store/documents-table.js";
import { encode } from "../data/values.js";
import type { Store } from "../store/store.js";
import type { ImportCounts, ImportIssue } from "./import-service.js";
import type { SourceEntry } from "./reader.js";

/** Where custom user data lives in the builtin collections (`auth/custom_user_data.json`). */
export interface CustomDataTarget {
  appId: string;
  database: string;
  collection: string;
  batchSize?: number;
  onProgress?: (counts: ImportCounts) => void;
  onIssue?: (issue: ImportIssue) => void;
}

/**
 * Writes an export of the custom user data collection (`mongoexport` NDJSON, Extended JSON) into the
 * builtin collection the app reads custom user data from. Documents keep their `_id`; one whose `_id`
 * is already there is skipped, so the run is idempotent like the user import. An app whose data
 * source is a real MongoDB keeps its collection there and needs none of this.
 */
export async function importCustomData(store: Store, entries: AsyncIterable<SourceEntry>, target: CustomDataTarget): Promise<ImportCounts> {
  const counts: ImportCounts = { read: 0, imported: 0, skipped: 0, conflicts: 0, errors: 0 };
  let batch: { where: string; docId: string; doc: string }[] = [];
  const flush = async () => {
    if (batch.length === 0) return;
    const written = await store.transaction((tx) => insertDocuments(tx.db as unknown as Kysely<DocumentsDatabase>, target, batch));
    counts.imported += written;
    counts.skipped += batch.length - written;
    batch = [];
    target.onProgress?.({ ...counts });
  };
  for await (const entry of entries) {
    counts.read++;
    let doc: Record<string, unknown> | undefined;
    let reason = entry.error;
    if (reason === undefined) {
      try {
        // Relaxed and canonical Extended JSON both decode to BSON values (ObjectId, Date, Int32 ...).
        const value = EJSON.deserialize(entry.value as Record<string, unknown>, { relaxed: false }) as unknown;
        if (typeof value !== "object" || value === null || Array.isArray(value)) reason = "a document must be a JSON object";
        else if ((value as Record<string, unknown>)._id === undefined) reason = "the document has no _id";
        else doc = value as Record<string, unknown>;
      } catch (error) {
        reason = `not Extended JSON (${(error as Error).message})`;
      }
    }
    if (!doc) {
      counts.errors++;
      target.onIssue?.({ kind: "error", where: entry.where, reason: reason ?? "unreadable" });
      continue;
    }
    // `_id` first, as MongoDB stores it.
    const { _id, ...rest } = doc;
    batch.push({ where: entry.where, docId: encode(_id), doc: encode({ _id, ...rest }) });
    if (batch.length >= (target.batchSize ?? 1000)) await flush();
  }
  await flush();
  return counts;
}

async function insertDocuments(
  db: Kysely<DocumentsDatabase>,
  target: CustomDataTarget,
  batch: { docId: string; doc: string }[],
): Promise<number> {
  const scope = <Q extends { where: (...args: any[]) => any }>(q: Q): Q =>
    q.where("app_id", "=", target.appId).where("db_name", "=", target.database).where("coll", "=", target.collection) as Q;
  const present = new Set(
    (
      await scope(db.selectFrom("documents"))
        .select("doc_id")
        .where(
          "doc_id",
          "in",
          batch.map((b) => b.docId),
        )
        .execute()
    ).map((r) => r.doc_id),
  );
  const top = await scope(db.selectFrom("documents"))
    .select((eb) => eb.fn.max("seq").as("top"))
    .executeTakeFirst();
  let seq = Number(top?.top ?? 0);
  const rows = [];
  for (const { docId, doc } of batch) {
    if (present.has(docId)) continue;
    present.add(docId);
    rows.push({ app_id: target.appId, db_name: target.database, coll: target.collection, doc_id: docId, doc, seq: ++seq });
  }
  for (let i = 0; i < rows.length; i += 400)
    await db
      .insertInto("documents")
      .values(rows.slice(i, i + 400))
      .execute();
  return rows.length;
}
