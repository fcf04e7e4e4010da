import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { Decimal128, Long, ObjectId } from "bson";
import type { Kysely } from "kysely";
import { createBuiltinDataService, DataServiceError, type DataService } from "../../src/data/index.js";
import { openTestDatabase } from "./helpers.js";

describe("builtin collections on a SQLite file", () => {
  let handle: Awaited<ReturnType<typeof openTestDatabase>>;
  let db: Kysely<any>;
  let data: DataService;

  before(async () => {
    handle = await openTestDatabase();
    db = handle.db;
    data = createBuiltinDataService(db, "app-1");
  });
  after(() => handle.close());

  it("inserts with a generated ObjectId and finds by _id through the primary key", async () => {
    const coll = data.collection("shop", "items");
    const { insertedId } = await coll.insertOne({ name: "pen", price: 2.5 });
    assert.ok(insertedId instanceof ObjectId);
    const doc = await coll.findOne({ _id: insertedId });
    assert.deepEqual(doc, { _id: insertedId, name: "pen", price: 2.5 });
    assert.equal(await coll.findOne({ _id: new ObjectId() }), null);
  });

  it("keeps BSON types through storage", async () => {
    const coll = data.collection("shop", "typed");
    const value = {
      _id: "t1",
      long: Long.fromString("9007199254740993"),
      dec: Decimal128.fromString("1.10"),
      when: new Date(0),
      oid: new ObjectId("65f0000000000000000000ff"),
      n: 7,
    };
    await coll.insertOne(value);
    assert.deepEqual(await coll.findOne({ _id: "t1" }), value);
  });

  it("refuses a duplicate _id, and insertMany is all or nothing", async () => {
    const coll = data.collection("shop", "dupes");
    await coll.insertOne({ _id: 1, a: 1 });
    await assert.rejects(coll.insertOne({ _id: 1, a: 2 }), (e: unknown) => e instanceof DataServiceError && e.code === "DuplicateKey");
    await assert.rejects(coll.insertMany([{ _id: 2 }, { _id: 1 }]), { code: "DuplicateKey" });
    assert.equal(await coll.countDocuments({}), 1);
    const { insertedIds } = await coll.insertMany([{ _id: 3 }, { b: 1 }]);
    assert.equal(insertedIds[0], 3);
    assert.ok(insertedIds[1] instanceof ObjectId);
  });

  it("finds with filters, sort, skip, limit and projection", async () => {
    const coll = data.collection("shop", "people");
    await coll.insertMany([
      { _id: 1, name: "ann", age: 31, tags: ["a"] },
      { _id: 2, name: "bob", age: 25, tags: ["b"] },
      { _id: 3, name: "cid", age: 40, tags: ["a", "b"] },
      { _id: 4, name: "dee", age: 25 },
    ]);
    assert.deepEqual(
      (await coll.find({})).map((d) => d._id),
      [1, 2, 3, 4],
      "natural order is insertion order",
    );
    assert.deepEqual(
      (await coll.find({ age: { $gte: 30 } })).map((d) => d.name),
      ["ann", "cid"],
    );
    assert.deepEqual(
      (await coll.find({ tags: "a" })).map((d) => d._id),
      [1, 3],
    );
    assert.deepEqual(
      (await coll.find({}, { sort: { age: -1, name: 1 }, skip: 1, limit: 2 })).map((d) => d.name),
      ["ann", "bob"],
    );
    assert.deepEqual(await coll.find({ _id: { $in: [2, 4] } }, { projection: { name: 1, _id: 0 } }), [{ name: "bob" }, { name: "dee" }]);
    assert.deepEqual(await coll.findOne({ age: 25 }, { sort: { name: -1 } }), { _id: 4, name: "dee", age: 25 });
    assert.equal(await coll.countDocuments({ age: 25 }), 2);
    assert.equal(await coll.countDocuments({}, { skip: 1, limit: 2 }), 2);
    await assert.rejects(coll.find({ age: { $bogus: 1 } }), { code: "BadValue" });
  });

  it("updates with $set, $unset, $inc and $push; updateMany counts matches and changes", async () => {
    const coll = data.collection("shop", "counters");
    await coll.insertMany([
      { _id: "a", n: 1, drop: true, list: [] },
      { _id: "b", n: 5, list: [1] },
    ]);
    const one = await coll.updateOne({ _id: "a" }, { $set: { "sub.x": 1 }, $unset: { drop: "" }, $inc: { n: 2 }, $push: { list: "x" } });
    assert.deepEqual(one, { matchedCount: 1, modifiedCount: 1 });
    assert.deepEqual(await coll.findOne({ _id: "a" }), { _id: "a", n: 3, list: ["x"], sub: { x: 1 } });
    const many = await coll.updateMany({}, { $set: { n: 5 } });
    assert.deepEqual(many, { matchedCount: 2, modifiedCount: 1 }, "b already had n = 5");
    assert.deepEqual(await coll.updateOne({ _id: "zzz" }, { $set: { n: 1 } }), { matchedCount: 0, modifiedCount: 0 });
    await assert.rejects(coll.updateOne({ _id: "a" }, { n: 1 }), { code: "FailedToParse" });
    await assert.rejects(coll.updateOne({ _id: "a" }, { $set: { _id: "other" } }), { code: "ImmutableField" });
  });

  it("upserts from the filter's equality fields and $setOnInsert", async () => {
    const coll = data.collection("shop", "upserts");
    const first = await coll.updateOne(
      { user_id: "u1", kind: { $eq: "x" } },
      { $set: { plan: "free" }, $setOnInsert: { created: 1 } },
      { upsert: true },
    );
    assert.equal(first.matchedCount, 0);
    assert.ok(first.upsertedId instanceof ObjectId);
    const doc = await coll.findOne({ user_id: "u1" });
    assert.deepEqual(doc, { _id: first.upsertedId, user_id: "u1", kind: "x", plan: "free", created: 1 });
    const second = await coll.updateOne({ user_id: "u1" }, { $set: { plan: "pro" }, $setOnInsert: { created: 2 } }, { upsert: true });
    assert.deepEqual(second, { matchedCount: 1, modifiedCount: 1 });
    assert.equal((await coll.findOne({ user_id: "u1" }))?.created, 1, "$setOnInsert ignored on update");
    const withId = await coll.updateMany({ _id: "fixed" }, { $inc: { hits: 1 } }, { upsert: true });
    assert.equal(withId.upsertedId, "fixed");
    assert.deepEqual(await coll.findOne({ _id: "fixed" }), { _id: "fixed", hits: 1 });
  });

  it("deletes one (the first in natural order) or many", async () => {
    const coll = data.collection("shop", "trash");
    await coll.insertMany([
      { _id: 1, k: "x" },
      { _id: 2, k: "x" },
      { _id: 3, k: "y" },
    ]);
    assert.deepEqual(await coll.deleteOne({ k: "x" }), { deletedCount: 1 });
    assert.deepEqual(
      (await coll.find({})).map((d) => d._id),
      [2, 3],
    );
    assert.deepEqual(await coll.deleteMany({ k: { $in: ["x", "y"] } }), { deletedCount: 2 });
    assert.deepEqual(await coll.deleteMany({}), { deletedCount: 0 });
  });

  it("separates apps, databases and collections", async () => {
    const other = createBuiltinDataService(db, "app-2");
    await data.collection("iso", "c").insertOne({ _id: 1, who: "app-1" });
    await other.collection("iso", "c").insertOne({ _id: 1, who: "app-2" });
    await data.collection("iso2", "c").insertOne({ _id: 1, who: "db2" });
    assert.equal((await data.collection("iso", "c").findOne({ _id: 1 }))?.who, "app-1");
    assert.equal((await other.collection("iso", "c").findOne({ _id: 1 }))?.who, "app-2");
    assert.equal(await other.collection("iso", "d").countDocuments(), 0);
  });

  it("refuses $where scripts in filters", async () => {
    const coll = data.collection("shop", "people");
    await assert.rejects(coll.find({ $where: "true" }), { code: "BadValue" });
  });
});
