import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { Long, ObjectId } from "bson";
import { createMongoDataService, type DataService } from "../../src/data/index.js";

// Runs only against a real server: GATEHOUSE_TEST_MONGODB_URI=mongodb://127.0.0.1:27017 npm test
const uri = process.env.GATEHOUSE_TEST_MONGODB_URI;

describe("MongoDB data service", { skip: !uri && "set GATEHOUSE_TEST_MONGODB_URI to run" }, () => {
  let data: DataService;
  const database = `gatehouse_test_${process.pid}`;
  after(async () => {
    await data?.close();
  });

  it("does the same CRUD as the builtin backend", async () => {
    data = createMongoDataService(uri!);
    const coll = data.collection(database, "items");
    await coll.deleteMany({});
    const { insertedId } = await coll.insertOne({ a: 1, big: Long.fromNumber(5) });
    assert.ok(insertedId instanceof ObjectId);
    const doc = await coll.findOne({ _id: insertedId });
    assert.equal(doc?.a, 1);
    assert.ok(doc?.big instanceof Long, "Int64 stays Long");
    const { insertedIds } = await coll.insertMany([{ a: 2 }, { a: 3 }]);
    assert.equal(insertedIds.length, 2);
    assert.deepEqual(await coll.find({}, { sort: { a: -1 }, skip: 1, limit: 1, projection: { _id: 0, a: 1 } }), [{ a: 2 }]);
    assert.deepEqual(await coll.updateOne({ a: 1 }, { $inc: { a: 10 }, $push: { l: 1 } }), { matchedCount: 1, modifiedCount: 1 });
    const up = await coll.updateOne({ k: "new" }, { $set: { v: 1 } }, { upsert: true });
    assert.ok(up.upsertedId instanceof ObjectId);
    assert.equal(await coll.countDocuments({}), 4);
    assert.deepEqual(await coll.deleteMany({}), { deletedCount: 4 });
  });
});
