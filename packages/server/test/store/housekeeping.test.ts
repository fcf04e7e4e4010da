import assert from "node:assert/strict";
import { after, before, it } from "node:test";
import { call, jwtClaims, startTestServer, todoApp, type TestServer } from "../helpers/server.js";

let server: TestServer;
before(async () => {
  server = await startTestServer({ apps: [todoApp], config: { rateLimits: { enabled: true, perIp: 1000, perAccount: 1000 } } });
});
after(() => server.close());

it("housekeeping removes expired sessions and stale rate-limit counters, and keeps live ones", async () => {
  const route = `${server.api}/app/todo-gatehouse/auth/providers`;
  await call(`${route}/local-userpass/register`, { body: { email: "hk@example.com", password: "secret1" } });
  const old = (await call(`${route}/local-userpass/login`, { body: { username: "hk@example.com", password: "secret1" } })).body;
  const { housekeeping, store } = server.services;
  assert.deepEqual(await housekeeping.run(), { sessions: 0, tokens: 0, rateLimitCounters: 0 });

  server.clock.advance(61 * 24 * 3600 * 1000); // past the 60-day refresh lifetime
  const fresh = (await call(`${route}/local-userpass/login`, { body: { username: "hk@example.com", password: "secret1" } })).body;
  const result = await housekeeping.run();
  assert.equal(result.sessions, 1, "the expired email/password session is gone");
  assert.ok(result.rateLimitCounters >= 1, "counters of the old window are gone");
  assert.equal(await store.sessions.state(jwtClaims(old.refresh_token).baas_id), undefined);
  assert.equal((await call(`${server.api}/auth/profile`, { token: fresh.access_token })).status, 200, "live sessions stay");
});
