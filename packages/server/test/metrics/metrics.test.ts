import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { call, startTestServer, type TestServer } from "../helpers/server.js";
import { scrape } from "../helpers/prometheus.js";
import { anonLogin, callFunction, functionsApp, FUNCTION_LIMITS, appRoute } from "../functions-http/helpers.js";

const PROFILE_ROUTE = "/api/client/v2.0/auth/profile";

describe("/metrics on the serving port", () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({
      apps: [functionsApp],
      config: { functions: FUNCTION_LIMITS, rateLimits: { enabled: true, perIp: 1000, perAccount: 2 } },
    });
  });
  after(() => server.close());

  it("is Prometheus text whose counters move with the traffic sent", async () => {
    const before = await scrape(server.url);
    const user = await anonLogin(server);
    const profiles = 3;
    for (let i = 0; i < profiles; i++) assert.equal((await call(`${server.api}/auth/profile`, { token: user.access_token })).status, 200);
    assert.equal((await call(`${server.api}/auth/profile`, { token: "not-a-token" })).status, 401);
    // Paths no route serves are one series, whatever the path.
    const unmatched = 2;
    for (let i = 0; i < unmatched; i++) assert.equal((await call(`${server.api}/no/such/route/${i}`, { method: "GET" })).status, 404);
    assert.equal((await call(`${server.api}/auth/session`, { method: "POST", token: user.refresh_token })).status, 201);
    assert.equal((await call(`${server.api}/auth/session`, { method: "POST", token: user.access_token })).status, 401);
    // Two wrong passwords for one account pass its limit of 2; the third attempt is refused.
    const wrong = { username: "nobody@example.com", password: "wrong-password" };
    const statuses = [];
    for (let i = 0; i < 3; i++)
      statuses.push((await call(appRoute(server, "auth/providers/local-userpass/login"), { body: wrong })).status);
    assert.deepEqual(statuses, [401, 401, 429]);
    // The app's auth triggers are function calls too: count the two calls below on their own.
    const beforeCalls = await scrape(server.url);
    assert.equal((await callFunction(server, user.access_token, "sum", [1, 2])).status, 200);
    assert.equal((await callFunction(server, user.access_token, "throws")).status, 400);

    const now = await scrape(server.url);
    const calls = (result: string) =>
      now.value("gatehouse_function_calls_total", { result }) - beforeCalls.value("gatehouse_function_calls_total", { result });
    assert.equal(calls("ok"), 1);
    assert.equal(calls("error"), 1);
    const delta = (name: string, labels: Record<string, string> = {}) => now.value(name, labels) - before.value(name, labels);
    const duration = "gatehouse_http_request_duration_seconds";
    assert.equal(now.families.get(duration)?.type, "HISTOGRAM");
    assert.equal(delta(duration, { route: PROFILE_ROUTE, method: "GET", status: "200" }), profiles);
    assert.equal(delta(duration, { route: PROFILE_ROUTE, method: "GET", status: "401" }), 1);
    assert.equal(delta(duration, { route: "unmatched", method: "GET", status: "404" }), unmatched);
    const [profileSeries] = now.samples(duration, { route: PROFILE_ROUTE, method: "GET", status: "200" });
    assert.ok(Number(profileSeries?.sum) > 0, "latencies are recorded");
    assert.equal(delta("gatehouse_logins_total", { provider: "anon-user", result: "ok" }), 1);
    assert.equal(delta("gatehouse_logins_total", { provider: "local-userpass", result: "invalidPassword" }), 2);
    assert.equal(delta("gatehouse_logins_total", { provider: "local-userpass", result: "tooManyRequests" }), 1);
    assert.equal(delta("gatehouse_refreshes_total", { result: "ok" }), 1);
    assert.equal(delta("gatehouse_refreshes_total", { result: "tokenWrongType" }), 1);
    assert.equal(delta("gatehouse_rate_limited_total", { limit: "account" }), 1);
    assert.equal(now.value("gatehouse_argon2_queue_depth"), 0);
    assert.ok(now.value("gatehouse_active_sessions") >= 1);
    assert.equal(now.value("gatehouse_store_errors_total"), 0);
  });

  it("counts a function past its time limit as a timeout", async () => {
    const user = await anonLogin(server);
    const before = await scrape(server.url);
    const res = await callFunction(server, user.access_token, "loopForever");
    assert.equal(res.body.error_code, "ExecutionTimeLimitExceeded");
    const now = await scrape(server.url);
    const timeouts = { result: "timeout" };
    assert.equal(now.value("gatehouse_function_calls_total", timeouts) - before.value("gatehouse_function_calls_total", timeouts), 1);
  });

  it("active sessions follow logins and logouts", async () => {
    const before = (await scrape(server.url)).value("gatehouse_active_sessions");
    const user = await anonLogin(server);
    assert.equal((await scrape(server.url)).value("gatehouse_active_sessions"), before + 1);
    assert.equal((await call(`${server.api}/auth/session`, { method: "DELETE", token: user.refresh_token })).status, 204);
    assert.equal((await scrape(server.url)).value("gatehouse_active_sessions"), before);
  });
});

describe("/healthz and /readyz", () => {
  it("answer 200 while the store is reachable and migrated", async () => {
    const server = await startTestServer();
    try {
      const health = await call(`${server.url}/healthz`);
      assert.equal(health.status, 200);
      assert.deepEqual(health.body, { status: "ok", pid: process.pid });
      const ready = await call(`${server.url}/readyz`);
      assert.equal(ready.status, 200);
      assert.deepEqual(ready.body, { status: "ready" });
    } finally {
      await server.close();
    }
  });
});

describe("metrics configuration", () => {
  it("metrics.enabled false: no /metrics route", async () => {
    const server = await startTestServer({ config: { metrics: { enabled: false } } });
    try {
      const res = await call(`${server.url}/metrics`);
      assert.equal(res.status, 404);
      assert.equal(res.body.error_code, "NotFound");
    } finally {
      await server.close();
    }
  });

  it("metrics.bearerToken: 401 MissingAuthReq without it or with a wrong one, 200 with it", async () => {
    const token = "metrics-token-0123456789";
    const server = await startTestServer({ config: { metrics: { bearerToken: token } } });
    try {
      const attempts: Record<string, string>[] = [{}, { authorization: "Bearer wrong-token-0123456789" }, { authorization: token }];
      for (const headers of attempts) {
        const res = await call(`${server.url}/metrics`, { headers });
        assert.equal(res.status, 401);
        assert.equal(res.body.error_code, "MissingAuthReq");
        assert.equal(res.body.reason, "metricsUnauthorized");
      }
      const scraped = await scrape(server.url, token);
      assert.ok(scraped.families.has("gatehouse_http_request_duration_seconds"));
    } finally {
      await server.close();
    }
  });

  it("metrics.port: served there (token too), not on the serving port", async () => {
    const token = "metrics-token-0123456789";
    const server = await startTestServer({ config: { metrics: { port: 0, bearerToken: token } } });
    try {
      assert.ok(server.metricsUrl);
      assert.equal((await call(`${server.url}/metrics`)).status, 404);
      const denied = await call(`${server.metricsUrl}/metrics`);
      assert.equal(denied.status, 401);
      assert.equal(denied.body.error_code, "MissingAuthReq");
      await call(`${server.url}/healthz`);
      const scraped = await scrape(server.metricsUrl, token);
      assert.ok(scraped.value("gatehouse_http_request_duration_seconds", { route: "/healthz" }) >= 1);
    } finally {
      await server.close();
    }
  });

  it("rejects a short bearer token and a bad port at start-up", async () => {
    await assert.rejects(startTestServer({ config: { metrics: { bearerToken: "short" } } }), /metrics.bearerToken/);
    await assert.rejects(startTestServer({ config: { metrics: { port: 70000 } } }), /metrics.port/);
  });
});
