import assert from "node:assert/strict";
import { it } from "node:test";
import { mingoLoaded } from "../../src/data/mingo.js";
import { DATA_OPS_RESULT, anonLogin, callOk, collection, startFunctionsServer } from "./helpers.js";

// The other first use of the lazily loaded mingo (src/data/mingo.ts; lazy-mingo.test.ts has the rule's):
// a data API query, in a process where nothing has loaded it yet.
// The first query or rule pays for loading mingo (~300 modules, a few hundred ms on a busy machine) inside
// the function's time: more than the 1.5 s the other functions tests allow.
const FIRST_USE_LIMITS = { functions: { timeLimitMs: 30_000, memoryLimitMb: 64 } };

it("a fresh server's first data API query loads mingo and answers as always", async () => {
  const server = await startFunctionsServer(FIRST_USE_LIMITS);
  try {
    const user = await anonLogin(server);
    assert.equal(mingoLoaded(), false, "start-up and an anonymous login do not load mingo");
    // Filters, updates, sort, skip, limit, projection: the builtin data API through a function.
    assert.deepEqual(await callOk(server, user.access_token, "dataOps"), DATA_OPS_RESULT);
    assert.equal(mingoLoaded(), true);
    // And straight on the service: a filter with an operator, as a rule-free caller would.
    const found = await collection(server, "users").find({ user_id: { $eq: user.user_id } });
    assert.equal(found.length, 1);
  } finally {
    await server.close();
  }
});
