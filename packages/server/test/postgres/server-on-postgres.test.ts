import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import {
  DATA_OPS_RESULT,
  anonLogin,
  callOk,
  claims,
  collection,
  FUNCTION_LIMITS,
  functionsApp,
  login,
  type Session,
} from "../functions-http/helpers.js";
import { freshPostgresSchema } from "../helpers/postgres.js";
import { requirement } from "../../../../test/support/requirements.mjs";
import { call, startTestServer, todoApp, type TestServer } from "../helpers/server.js";

/**
 * The server end to end on PostgreSQL: the store contract covers the repositories, this covers what sits
 * on top of them on that engine (sessions, concurrency, rate limits, builtin collections, custom user data
 * lookups through the jsonb index, triggers). CI sets GATEHOUSE_TEST_POSTGRES_URL.
 */
describe("the server on PostgreSQL", { skip: requirement("postgres") }, () => {
  let server: TestServer;
  let drop: () => Promise<void>;
  before(async () => {
    const schema = await freshPostgresSchema();
    drop = schema.drop;
    server = await startTestServer({
      apps: [todoApp, functionsApp],
      db: schema.url,
      config: { functions: FUNCTION_LIMITS, rateLimits: { enabled: true, perAccount: 3, perIp: 1000 } },
    });
  });
  after(async () => {
    await server?.close();
    await drop?.();
  });

  const todo = (sub: string) => `${server.api}/app/todo-gatehouse/auth/providers/${sub}`;

  it("logs in, serves the profile, refreshes, logs out and deletes", async () => {
    const anon = (await call(todo("anon-user/login"), { body: { options: { device: { platform: "pg" } } } })).body;
    assert.equal((await call(`${server.api}/auth/profile`, { token: anon.access_token })).body.user_id, anon.user_id);
    server.clock.advance(31 * 60 * 1000);
    assert.equal((await call(`${server.api}/auth/profile`, { token: anon.access_token })).status, 401);
    const fresh = await call(`${server.api}/auth/session`, { method: "POST", token: anon.refresh_token });
    assert.equal(fresh.status, 201);
    assert.equal((await call(`${server.api}/auth/session`, { method: "DELETE", token: anon.refresh_token })).status, 204);
    assert.equal((await call(`${server.api}/auth/profile`, { token: fresh.body.access_token })).status, 401);
    const other = (await call(todo("anon-user/login"), { body: {} })).body;
    assert.equal((await call(`${server.api}/auth/delete`, { method: "DELETE", token: other.access_token })).status, 204);
    assert.equal((await server.listAuditEvents({ clientAppId: "todo-gatehouse", type: "delete" })).length, 1);
  });

  it("creates exactly one account for 20 parallel registrations of one email", async () => {
    const results = await Promise.all(
      Array.from({ length: 20 }, () =>
        call(todo("local-userpass/register"), { body: { email: "pg-race@example.com", password: "secret1" } }),
      ),
    );
    const statuses = results.map((r) => r.status).sort();
    assert.equal(statuses.filter((s) => s === 201).length, 1, statuses.join(","));
    assert.ok(
      statuses.every((s) => s === 201 || s === 409 || s === 429),
      statuses.join(","),
    );
  });

  it("rate-limits per account with counters in PostgreSQL", async () => {
    await call(todo("local-userpass/register"), { body: { email: "pg-limit@example.com", password: "secret1" } });
    const statuses = [];
    for (let i = 0; i < 4; i++) {
      statuses.push((await call(todo("local-userpass/login"), { body: { username: "pg-limit@example.com", password: "wrong12" } })).status);
    }
    assert.deepEqual(statuses, [401, 401, 401, 429]);
  });

  it("runs functions over builtin collections stored in PostgreSQL", async () => {
    const user: Session = await anonLogin(server);
    const result = await callOk(server, user.access_token, "dataOps");
    assert.deepEqual(result, DATA_OPS_RESULT);
  });

  it("puts the on-creation document in the first token and re-reads it on refresh", async () => {
    const user: Session = await anonLogin(server);
    assert.equal(claims(user.access_token).user_data.plan, "free");
    await callOk(server, user.access_token, "setMyData", [{ plan: "pro" }]);
    const refreshed = await call(`${server.api}/auth/session`, { method: "POST", token: user.refresh_token });
    assert.equal(claims(refreshed.body.access_token).user_data.plan, "pro");
  });

  it("fires login triggers once per login", async () => {
    const user = await login(server, "custom-function", { username: "pg-trigger", password: "letmein" });
    await login(server, "custom-function", { username: "pg-trigger", password: "letmein" });
    const events = await collection(server, "events").find({ userId: user.user_id, trigger: "recordLogin" });
    assert.equal(events.length, 2);
  });
});
