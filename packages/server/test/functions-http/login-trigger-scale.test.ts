import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, it } from "node:test";
import type { BuiltinDataService } from "../../src/data/index.js";
import { call, repoRoot, startTestServer, type TestServer } from "../helpers/server.js";

/** An app whose LOGIN trigger updates the user's custom data document by `user_id` (upsert). */
const loginTriggerApp = join(repoRoot, "packages/server/test/fixtures/apps/login-trigger-app");

let server: TestServer;
let data: BuiltinDataService;
before(async () => {
  server = await startTestServer({ apps: [loginTriggerApp] });
  const app = server.services.apps.get("login-trigger-app")!;
  data = server.services.functions.dataService(app, "mongodb-atlas") as BuiltinDataService;
});
after(() => server.close());

/** Documents read per login, over `n` anonymous logins (each runs the trigger). */
async function readsPerLogin(n: number): Promise<number> {
  const before = data.documentsRead;
  for (let i = 0; i < n; i++) {
    const res = await call(`${server.api}/app/login-trigger-app/auth/providers/anon-user/login`, { body: {} });
    assert.equal(res.status, 200);
  }
  return (data.documentsRead - before) / n;
}

async function fill(count: number): Promise<void> {
  const users = data.collection("app", "users");
  for (let i = 0; i < count; i += 1000) {
    await users.insertMany(Array.from({ length: Math.min(1000, count - i) }, (_, j) => ({ user_id: `other-${i + j}`, plan: "free" })));
  }
}

it("logins with a LOGIN trigger at 10,000 builtin documents read as few documents as at 10", async () => {
  await fill(10);
  const small = await readsPerLogin(5);
  await fill(10_000);
  const large = await readsPerLogin(5);
  // The trigger ran: each login left its user's document.
  assert.equal(await data.collection("app", "users").countDocuments({ lastLogin: { $exists: true } }), 10);
  assert.ok(large <= small + 1, `documents read per login: ${small} at 10 documents, ${large} at 10,000`);
});
