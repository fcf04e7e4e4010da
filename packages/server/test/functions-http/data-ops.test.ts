import assert from "node:assert/strict";
import { after, before, it } from "node:test";
import type { TestServer } from "../helpers/server.js";
import { DATA_OPS_RESULT, anonLogin, callOk, startFunctionsServer } from "./helpers.js";

/** Every collection operation on builtin collections in SQLite; the PostgreSQL suite expects the same answer. */
let server: TestServer;
before(async () => {
  server = await startFunctionsServer();
});
after(() => server.close());

it("insertMany, insertOne, $push/$inc/$set/$unset updates, upsert, find with projection/sort/skip/limit, count, deleteMany", async () => {
  const user = await anonLogin(server);
  const result = await callOk(server, user.access_token, "dataOps");
  assert.deepEqual(result, DATA_OPS_RESULT);
});
