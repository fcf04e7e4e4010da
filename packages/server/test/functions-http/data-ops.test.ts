import assert from "node:assert/strict";
import { Int32 } from "bson";
import { after, before, it } from "node:test";
import type { TestServer } from "../helpers/server.js";
import { anonLogin, callOk, startFunctionsServer } from "./helpers.js";

/** Every collection operation on builtin collections in SQLite; the PostgreSQL suite expects the same answer. */
let server: TestServer;
before(async () => {
  server = await startFunctionsServer();
});
after(() => server.close());

it("insertMany, insertOne, $push/$inc/$set/$unset updates, upsert, find with projection/sort/skip/limit, count, deleteMany", async () => {
  const user = await anonLogin(server);
  const result = await callOk(server, user.access_token, "dataOps");
  assert.deepEqual(result, {
    sorted: [new Int32(14), new Int32(3), new Int32(2)],
    count: new Int32(2),
    list: ["x"],
    deleted: new Int32(2),
    left: new Int32(3),
  });
});
