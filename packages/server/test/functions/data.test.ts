import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { Double, Int32, ObjectId } from "bson";
import { createBuiltinDataService, type DataService } from "../../src/data/index.js";
import { FunctionRuntime, type HostCallInfo } from "../../src/functions/index.js";
import { openTestDatabase } from "../data/helpers.js";
import { alice, testApp } from "./helpers.js";

const coll = `const items = () => context.services.get("mongodb-atlas").db("shop").collection("items");`;

const sources = {
  seed: `${coll} exports = async function () {
    const one = await items().insertOne({ _id: "a", name: "pen", price: 2.5, tags: [] });
    const many = await items().insertMany([{ _id: "b", name: "ink", price: 7 }, { _id: "c", name: "pad", price: 4 }]);
    return [one, many];
  }`,
  query: `${coll} exports = async function () {
    const first = await items().findOne({ price: { $gt: 3 } }, { name: 1, _id: 0 });
    const cheapestFirst = await items().find({}, { name: 1 }).sort({ price: 1 }).skip(1).limit(1).toArray();
    const sorted = await items().find({ price: { $gte: 2 } }, undefined, { sort: { name: -1 } }).toArray();
    const cursor = items().find({}).sort({ _id: 1 });
    const firstByCursor = await cursor.next();
    const count = await items().count({ price: { $lt: 5 } });
    const countAll = await items().countDocuments();
    return { first, cheapestFirst, sortedNames: sorted.map((d) => d.name), firstId: firstByCursor._id, count, countAll };
  }`,
  update: `${coll} exports = async function () {
    const set = await items().updateOne({ _id: "a" }, { $set: { name: "pen2" }, $inc: { price: 1 }, $push: { tags: "new" }, $unset: { missing: "" } });
    const many = await items().updateMany({ price: { $gte: 3.5 } }, { $set: { premium: true } });
    const upsert = await items().updateOne({ sku: "z-1" }, { $set: { price: 1 } }, { upsert: true });
    const doc = await items().findOne({ _id: "a" });
    const created = await items().findOne({ sku: "z-1" });
    return { set, many, upserted: upsert.upsertedId instanceof BSON.ObjectId, doc, created: { sku: created.sku, price: created.price } };
  }`,
  remove: `${coll} exports = async function () {
    const one = await items().deleteOne({ premium: true });
    const rest = await items().deleteMany({});
    return [one.deletedCount, rest.deletedCount];
  }`,
  types: `${coll} exports = async function (id) {
    await items().insertOne({ _id: id, when: new Date(0), n: 3 });
    const back = await items().findOne({ _id: id });
    await items().deleteOne({ _id: id });
    return [back._id instanceof BSON.ObjectId, back.when instanceof Date, typeof back.n, back._id.equals(id)];
  }`,
  badQuery: `${coll} exports = async function () { return items().find({ a: { $nope: 1 } }).toArray(); }`,
  noService: `exports = async function () { return context.services.get("other").db("x").collection("y").findOne({}); }`,
  unsupported: `${coll} exports = async function () { return items().aggregate([]); }`,
  admin: `exports = async function (id) { return context.services.get("gatehouse-admin").deleteUser(id); }`,
  adminMissing: `exports = async function () { return context.services.get("gatehouse-admin").dropEverything(); }`,
};

describe("FunctionRuntime: data access and host services", () => {
  let handle: Awaited<ReturnType<typeof openTestDatabase>>;
  let data: DataService;
  let runtime: FunctionRuntime;
  const deleted: [HostCallInfo, unknown][] = [];

  before(async () => {
    handle = await openTestDatabase();
    data = createBuiltinDataService(handle.db, "test-app-abcde");
    runtime = new FunctionRuntime({
      app: testApp(sources, { admin: { runAsSystem: true } }),
      data: (name) => (name === "mongodb-atlas" ? data : undefined),
      timeLimitMs: 5000,
      hostServices: {
        "gatehouse-admin": {
          async deleteUser(info, userId) {
            deleted.push([info, userId]);
            return { deleted: true };
          },
        },
      },
    });
    await runtime.start();
  });
  after(async () => {
    await runtime.close();
    await handle.close();
  });

  const run = (name: string, args: unknown[] = []) => runtime.call(name, args, { user: alice, fromClient: true });

  it("inserts, queries, updates and deletes through context.services", async () => {
    assert.deepEqual(await run("seed"), [{ insertedId: "a" }, { insertedIds: ["b", "c"] }]);
    assert.deepEqual(await data.collection("shop", "items").countDocuments(), 3, "the rows are really in SQLite");

    assert.deepEqual(await run("query"), {
      first: { name: "ink" },
      cheapestFirst: [{ _id: "c", name: "pad" }],
      sortedNames: ["pen", "pad", "ink"],
      firstId: "a",
      count: new Int32(2),
      countAll: new Int32(3),
    });

    const updated = (await run("update")) as Record<string, unknown>;
    assert.deepEqual(updated.set, { matchedCount: new Int32(1), modifiedCount: new Int32(1) });
    assert.deepEqual(updated.many, { matchedCount: new Int32(3), modifiedCount: new Int32(3) });
    assert.equal(updated.upserted, true);
    assert.deepEqual(updated.doc, { _id: "a", name: "pen2", price: new Double(3.5), tags: ["new"], premium: true });
    assert.deepEqual(updated.created, { sku: "z-1", price: new Int32(1) });

    assert.deepEqual(await run("remove"), [new Int32(1), new Int32(3)]);
    assert.equal(await data.collection("shop", "items").countDocuments(), 0);
  });

  it("keeps ObjectId and Date types on the way to storage and back", async () => {
    assert.deepEqual(await run("types", [new ObjectId()]), [true, true, "number", true]);
  });

  it("turns data errors into errors the function can catch, and refuses unknown services", async () => {
    await assert.rejects(run("badQuery"), { code: "FunctionExecutionError", message: /\$nope/ });
    await assert.rejects(run("noService"), { code: "FunctionExecutionError", message: "service not found: 'other'" });
    await assert.rejects(run("unsupported"), { message: "collection.aggregate() is not supported by Gatehouse yet" });
  });

  it("calls extra host services with the caller's identity", async () => {
    assert.deepEqual(await run("admin", ["65f0000000000000000000aa"]), { deleted: true });
    const [info, userId] = deleted[0]!;
    assert.equal(userId, "65f0000000000000000000aa");
    assert.deepEqual(info, { appId: "test-app-abcde", functionName: "admin", user: alice, runningAsSystem: true });
    await assert.rejects(run("adminMissing"), { message: /dropEverything is not a function/ });
  });
});
