import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { ObjectId } from "bson";
import { createBuiltinDataService, type BuiltinDataService } from "../../src/data/index.js";
import { ensureFieldIndex } from "../../src/data/field-index.js";
import { Store } from "../../src/store/store.js";
import { openStore, storeEngines } from "../helpers/store-engines.js";
import { requirement } from "../../../../test/support/requirements.mjs";

const engines = storeEngines("gatehouse-indexed-", requirement("postgres"));

for (const engine of engines) {
  describe(`builtin collections: equalities on an indexed field read only their documents (${engine.name})`, { skip: engine.skip }, () => {
    let store: Store;
    let close: () => Promise<void>;
    let data: BuiltinDataService;
    const target = new ObjectId();
    before(async () => {
      ({ store, close } = await openStore(engine));
      await ensureFieldIndex(store.db, "user_id");
      data = createBuiltinDataService(store.db, "idx-app", { indexedFields: ["user_id"] });
      const users = data.collection("app", "users");
      const filler = Array.from({ length: 3000 }, (_, i) => ({ user_id: `filler-${i}`, n: i }));
      for (let i = 0; i < filler.length; i += 500) await users.insertMany(filler.slice(i, i + 500));
      await users.insertMany([
        { user_id: "u-1", n: -1 },
        { user_id: target, n: -2 },
        { user_id: ["u-1", "u-9"], n: -3 },
        { user_id: "u-1", n: -4 },
      ]);
    });
    after(async () => {
      await close();
    });

    const reads = async <T>(work: () => Promise<T>): Promise<{ result: T; read: number }> => {
      const before = data.documentsRead;
      const result = await work();
      return { result, read: data.documentsRead - before };
    };

    it("finds by string, with MongoDB's array semantics, in insertion order", async () => {
      const users = data.collection("app", "users");
      const { result, read } = await reads(() => users.find({ user_id: "u-1" }));
      assert.deepEqual(
        result.map((d) => d.n),
        [-1, -3, -4],
      );
      assert.ok(read <= 4, `read ${read} documents`);
      assert.deepEqual((await users.find({ user_id: { $eq: "u-9" } })).map((d) => d.n), [-3]);
    });

    it("finds by ObjectId, and a string never matches an ObjectId", async () => {
      const users = data.collection("app", "users");
      const { result, read } = await reads(() => users.findOne({ user_id: target }));
      assert.equal(result?.n, -2);
      assert.ok(read <= 2, `read ${read} documents`);
      assert.equal(await users.findOne({ user_id: target.toHexString() }), null);
    });

    it("updateOne with upsert, as a LOGIN trigger does it, reads a handful of documents", async () => {
      const users = data.collection("app", "users");
      const { result, read } = await reads(() => users.updateOne({ user_id: "u-new" }, { $set: { seen: 1 } }, { upsert: true }));
      assert.ok(result.upsertedId);
      const again = await reads(() => users.updateOne({ user_id: "u-new" }, { $inc: { seen: 1 } }));
      assert.equal(again.result.modifiedCount, 1);
      assert.ok(read + again.read <= 4, `read ${read} + ${again.read} documents`);
      assert.equal((await users.findOne({ user_id: "u-new" }))?.seen, 2);
    });

    it("other filters still scan, page by page, and give the same answers", async () => {
      const users = data.collection("app", "users");
      const { result, read } = await reads(() => users.countDocuments({ n: { $lt: 0 } }));
      assert.equal(result, 4);
      assert.ok(read >= 3000, "a non-indexed filter reads the collection");
      assert.equal(await users.countDocuments({ user_id: "u-1", n: { $lt: -2 } }), 2, "the rest of the filter still applies");
    });
  });
}
