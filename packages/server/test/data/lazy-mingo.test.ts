import assert from "node:assert/strict";
import { after, before, it } from "node:test";
import { createBuiltinDataService, type DataService } from "../../src/data/index.js";
import { mingoLoaded } from "../../src/data/mingo.js";
import { evaluateRule } from "../../src/functions/rules.js";
import { openTestDatabase } from "./helpers.js";

// The lazy path of src/data/mingo.ts: in this process nothing has loaded mingo when the first query runs
// (a server without functions never loads it at start; functions-http/lazy-mingo.test.ts has the server side).
let handle: Awaited<ReturnType<typeof openTestDatabase>>;
let data: DataService;
before(async () => {
  handle = await openTestDatabase();
  data = createBuiltinDataService(handle.db, "lazy-app");
});
after(() => handle.close());

it("the first query loads mingo and filters, updates, sorts and projects as always; then a rule uses it", async () => {
  const items = data.collection("shop", "items");
  await items.insertMany([
    { _id: "a", name: "pen", price: 2.5 },
    { _id: "b", name: "ink", price: 7 },
    { _id: "c", name: "pad", price: 4 },
  ]);
  assert.equal(mingoLoaded(), false, "inserting needs no query engine");
  const found = await items.find({ price: { $gt: 3 } }, { sort: { price: -1 }, projection: { name: 1, _id: 0 } });
  assert.equal(mingoLoaded(), true);
  assert.deepEqual(found, [{ name: "ink" }, { name: "pad" }]);
  await items.updateOne({ _id: "a" }, { $inc: { price: 1 } });
  assert.deepEqual(await items.findOne({ _id: "a" }), { _id: "a", name: "pen", price: 3.5 });
  await assert.rejects(items.find({ price: { $nope: 1 } }), /nope/);
  const inputs = { user: null, values: {}, environment: { tag: "", values: {} }, args: ["x", 3] };
  assert.equal(await evaluateRule({ "%%args.1": { $gte: 3 } }, inputs), true);
  assert.equal(await evaluateRule({ "%%args.1": { $lt: 3 } }, inputs), false);
});
