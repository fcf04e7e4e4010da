import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { ObjectId } from "bson";
import { sql, type Kysely } from "kysely";
import type { CustomUserDataConfig } from "../../src/config/types.js";
import { createBuiltinDataService, findUserDataDocument } from "../../src/data/index.js";
import { openTestDatabase } from "./helpers.js";

const config: CustomUserDataConfig = {
  enabled: true,
  mongoServiceName: "mongodb-atlas",
  databaseName: "app",
  collectionName: "users",
  userIdField: "user_id",
};

describe("findUserDataDocument", () => {
  let handle: Awaited<ReturnType<typeof openTestDatabase>>;
  let db: Kysely<any>;
  const userId = "65f000000000000000000001";

  before(async () => {
    handle = await openTestDatabase();
    db = handle.db;
  });
  after(() => handle.close());

  it("returns null when disabled or when nothing matches", async () => {
    assert.equal(await findUserDataDocument(db, "app-1", { enabled: false }, userId), null);
    assert.equal(await findUserDataDocument(db, "app-1", config, userId), null);
  });

  it("prefers the string form over an earlier ObjectId form, and the first inserted of a form", async () => {
    const users = createBuiltinDataService(db, "app-1").collection("app", "users");
    await users.insertOne({ _id: 1, user_id: new ObjectId(userId), n: "oid-first" });
    await users.insertOne({ _id: 2, user_id: "someone-else", n: "other" });
    assert.equal((await findUserDataDocument(db, "app-1", config, userId))?.n, "oid-first", "ObjectId form when no string form");
    await users.insertOne({ _id: 3, user_id: userId, n: "string-1" });
    await users.insertOne({ _id: 4, user_id: userId, n: "string-2" });
    assert.equal((await findUserDataDocument(db, "app-1", config, userId))?.n, "string-1");
    assert.equal(await findUserDataDocument(db, "app-2", config, userId), null, "other apps do not see it");
  });

  it("matches non-ObjectId user ids by string only", async () => {
    const users = createBuiltinDataService(db, "app-1").collection("app", "users");
    await users.insertOne({ user_id: "custom-id", n: "custom" });
    assert.equal((await findUserDataDocument(db, "app-1", config, "custom-id"))?.n, "custom");
  });

  it("looks the field up through an expression index", async () => {
    const plan = await sql<{ detail: string }>`explain query plan select doc from documents
      where app_id = ${"app-1"} and db_name = ${"app"} and coll = ${"users"}
      and json_extract(doc, '$."user_id"') in (${userId})`.execute(db);
    assert.match(plan.rows.map((r) => r.detail).join("\n"), /USING INDEX documents_field_user_id/);
  });

  it("falls back to a scan for field names it cannot index", async () => {
    const odd = { ...config, collectionName: "odd", userIdField: "user-id" };
    await createBuiltinDataService(db, "app-1").collection("app", "odd").insertOne({ "user-id": userId, n: "odd" });
    assert.equal((await findUserDataDocument(db, "app-1", odd, userId))?.n, "odd");
  });
});
