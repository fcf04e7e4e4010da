import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { Housekeeping } from "../../src/store/housekeeping.js";
import { insertEndedSessions } from "../helpers/ended-sessions.js";
import { call, jwtClaims, startTestServer, todoApp, type TestServer } from "../helpers/server.js";

const DAY = 24 * 3600 * 1000;
const device = { appId: "retention-test", platform: "node", platformVersion: "20.0.0", sdkVersion: "2.0.1" };

describe("housekeeping", () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({
      apps: [todoApp],
      config: {
        rateLimits: { enabled: true, perIp: 1000, perAccount: 1000 },
        retention: { anonymousUserInactiveDays: 30, auditEventDays: 10 },
      },
    });
  });
  after(() => server.close());
  const route = () => `${server.api}/app/todo-gatehouse/auth/providers`;
  const anonymous = async () => (await call(`${route()}/anon-user/login`, { body: { options: { device } } })).body;

  it("removes expired sessions and stale rate-limit counters, and keeps live ones", async () => {
    await call(`${route()}/local-userpass/register`, { body: { email: "hk@example.com", password: "secret1" } });
    const old = (await call(`${route()}/local-userpass/login`, { body: { username: "hk@example.com", password: "secret1" } })).body;
    const { housekeeping, store } = server.services;
    await housekeeping.run();
    const key = await server.services.admin.keys.create("hk");
    const adminLogin = await call(`${server.url}/api/admin/v3.0/auth/providers/mongodb-cloud/login`, {
      body: { username: key.username, apiKey: key.apiKey },
    });
    assert.equal(adminLogin.status, 200);
    server.clock.advance(61 * DAY); // past the 60-day refresh lifetime (and the 12-hour admin one)
    const fresh = (await call(`${route()}/local-userpass/login`, { body: { username: "hk@example.com", password: "secret1" } })).body;
    const result = await housekeeping.run();
    assert.ok(result.sessions >= 1, "the expired email/password session is gone");
    assert.ok(result.rateLimitCounters >= 1, "counters of the old window are gone");
    assert.equal(result.adminSessions, 1, "the expired admin session is gone");
    assert.equal(await store.sessions.state(jwtClaims(old.refresh_token).baas_id), undefined);
    assert.equal((await call(`${server.api}/auth/profile`, { token: fresh.access_token })).status, 200, "live sessions stay");
  });

  it("removes revoked sessions at the next pass, and devices left without a session", async () => {
    const { store, housekeeping } = server.services;
    const kept = await anonymous();
    const gone = await anonymous();
    assert.equal((await store.sessions.devicesOf(gone.user_id)).length, 1);
    assert.equal((await call(`${server.api}/auth/session`, { method: "DELETE", token: gone.refresh_token })).status, 204);
    const result = await housekeeping.run();
    assert.ok(result.sessions >= 1 && result.devices >= 1, JSON.stringify(result));
    assert.equal(await store.sessions.state(jwtClaims(gone.refresh_token).baas_id), undefined, "the revoked session row is gone");
    assert.deepEqual(await store.sessions.devicesOf(gone.user_id), [], "its device too");
    assert.equal((await store.sessions.devicesOf(kept.user_id)).length, 1, "a device with a live session stays");
    const again = await call(`${server.api}/auth/session`, { method: "DELETE", token: gone.refresh_token });
    assert.equal(again.status, 401);
    assert.match(again.body.error, /failed to find refresh token/, "a removed session reads like a revoked one");
  });

  it("deletes anonymous users inactive past the retention, and keeps active, linked and email users", async () => {
    const { housekeeping, store } = server.services;
    const idle = await anonymous();
    const refreshing = await anonymous();
    const linked = await anonymous();
    const email = "linked-anon@example.com";
    await call(`${route()}/local-userpass/register`, { body: { email, password: "secret1" } });
    const link = await call(`${route()}/local-userpass/login?link=true`, {
      body: { username: email, password: "secret1" },
      token: linked.access_token,
    });
    assert.equal(link.status, 200);
    server.clock.advance(20 * DAY);
    assert.equal((await call(`${server.api}/auth/session`, { method: "POST", token: refreshing.refresh_token })).status, 201);
    server.clock.advance(15 * DAY); // 35 days since login, 15 since the refresh
    const result = await housekeeping.run();
    assert.ok(result.anonymousUsers >= 1, JSON.stringify(result));
    assert.equal(await store.users.get("todo-gatehouse", idle.user_id), undefined, "the idle anonymous user is gone");
    assert.equal((await call(`${server.api}/auth/profile`, { token: idle.access_token })).status, 401);
    assert.ok(await store.users.get("todo-gatehouse", refreshing.user_id), "a refreshed one stays");
    assert.ok(await store.users.get("todo-gatehouse", linked.user_id), "one linked to an email identity stays");
    const deletions = await server.listAuditEvents({ clientAppId: "todo-gatehouse", type: "delete", userId: idle.user_id });
    assert.equal(deletions.length, 1);
    assert.match(deletions[0]!.detail ?? "", /housekeeping/);
    server.clock.advance(31 * DAY);
    await housekeeping.run();
    assert.equal(await store.users.get("todo-gatehouse", refreshing.user_id), undefined, "…until it too is idle long enough");
  });

  it("deletes audit events older than the audit retention", async () => {
    const { housekeeping } = server.services;
    const user = await anonymous();
    const before = await server.listAuditEvents({ clientAppId: "todo-gatehouse", userId: user.user_id });
    assert.ok(before.length >= 1);
    server.clock.advance(9 * DAY);
    const recent = await anonymous();
    await housekeeping.run();
    assert.equal((await server.listAuditEvents({ clientAppId: "todo-gatehouse", userId: user.user_id })).length, before.length);
    server.clock.advance(2 * DAY);
    const result = await housekeeping.run();
    assert.ok(result.auditEvents >= before.length);
    assert.deepEqual(await server.listAuditEvents({ clientAppId: "todo-gatehouse", userId: user.user_id }), []);
    assert.ok((await server.listAuditEvents({ clientAppId: "todo-gatehouse", userId: recent.user_id })).length >= 1, "newer ones stay");
  });
});

describe("housekeeping works in batches and never stalls requests", () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.close());

  it("deletes 20,000 expired sessions in batches while /location keeps answering", async () => {
    const { store } = server.services;
    const now = server.clock.now();
    await store.db.transaction().execute(async (trx) => {
      for (let i = 0; i < 20_000; i += 500) {
        const rows = Array.from({ length: 500 }, (_, j) => ({
          id: `expired-${i + j}`,
          app_id: "todo-gatehouse",
          user_id: `u-${i + j}`,
          provider_type: "anon-user",
          external_id: `e-${i + j}`,
          device_id: "000000000000000000000000",
          created_at: now - 2 * DAY,
          expires_at: now - DAY,
          revoked_at: null,
        }));
        await trx.insertInto("sessions").values(rows).execute();
      }
    });
    const housekeeping = new Housekeeping(store, server.clock, {
      rateLimitWindowMs: 60_000,
      anonymousUserInactiveMs: 90 * DAY,
      auditEventMs: 90 * DAY,
      batchSize: 200,
    });
    let finished = false;
    const pass = housekeeping.run().then((result) => {
      finished = true;
      return result;
    });
    const location = await call(`${server.api}/app/todo-gatehouse/location`);
    assert.equal(location.status, 200);
    assert.equal(finished, false, "the request was answered between batches, not after the pass");
    const result = await pass;
    assert.equal(result.sessions, 20_000);
    assert.ok(result.batches >= 100, `batches: ${result.batches}`);
    assert.equal((await store.db.selectFrom("sessions").select("id").where("id", "like", "expired-%").execute()).length, 0);
  });

  it("stop() ends a running pass after its current batch; the next pass starts over", async () => {
    const { store } = server.services;
    const left = await insertEndedSessions(store, "todo-gatehouse", "stopped", 1_000, server.clock.now());
    const housekeeping = new Housekeeping(store, server.clock, {
      rateLimitWindowMs: 60_000,
      anonymousUserInactiveMs: 90 * DAY,
      auditEventMs: 90 * DAY,
      batchSize: 100,
    });
    const pass = housekeeping.run();
    housekeeping.stop(); // while the pass's first batch is in flight
    const stopped = await pass;
    assert.equal(stopped.sessions, 100, JSON.stringify(stopped));
    assert.equal(stopped.batches, 1);
    assert.equal(await left(), 900);
    const next = await housekeeping.run();
    assert.equal(next.sessions, 900);
    assert.equal(await left(), 0);
  });
});
