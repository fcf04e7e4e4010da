import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { call, startTestServer } from "../helpers/server.js";
import { MailCatcher } from "../helpers/smtp.js";

const route = (api: string, sub: string) => `${api}/app/todo-gatehouse/auth/providers/local-userpass/${sub}`;

/**
 * Rate limits count in fixed windows aligned to the clock; moves the test clock to just after a window
 * starts, so a test's few requests never straddle a boundary (where the count would start again).
 */
function atWindowStart(server: { clock: { now(): number; advance(ms: number): void } }, windowMs = 60_000): void {
  server.clock.advance(windowMs - (server.clock.now() % windowMs) + 1);
}

describe("concurrency", () => {
  it("50 parallel registrations of one email create exactly one account", async () => {
    const server = await startTestServer();
    try {
      const results = await Promise.all(
        Array.from({ length: 50 }, (_, i) =>
          call(route(server.api, "register"), { body: { email: "race@example.com", password: `secret-${i}` } }),
        ),
      );
      const statuses = results.map((r) => r.status);
      assert.equal(statuses.filter((s) => s === 201).length, 1, `statuses: ${statuses.join(",")}`);
      assert.equal(statuses.filter((s) => s === 409).length, 49);
      const winner = results.findIndex((r) => r.status === 201);
      const login = await call(route(server.api, "login"), { body: { username: "race@example.com", password: `secret-${winner}` } });
      assert.equal(login.status, 200);
      const registrations = await server.listAuditEvents({ clientAppId: "todo-gatehouse", type: "register" });
      assert.equal(registrations.filter((e) => e.result === "ok").length, 1);
    } finally {
      await server.close();
    }
  });

  it("anonymous logins in parallel all succeed with distinct users", async () => {
    const server = await startTestServer();
    try {
      const results = await Promise.all(
        Array.from({ length: 40 }, () => call(`${server.api}/app/todo-gatehouse/auth/providers/anon-user/login`, { body: {} })),
      );
      assert.ok(results.every((r) => r.status === 200));
      assert.equal(new Set(results.map((r) => r.body.user_id)).size, 40);
    } finally {
      await server.close();
    }
  });
});

describe("rate limits on credential routes", () => {
  it("limits login attempts per account, with 429 and Retry-After, and resets with the window", async () => {
    const server = await startTestServer({ config: { rateLimits: { enabled: true, perAccount: 3, perIp: 100, windowSeconds: 60 } } });
    atWindowStart(server);
    try {
      await call(route(server.api, "register"), { body: { email: "limited@example.com", password: "secret1" } });
      const attempts = [];
      for (let i = 0; i < 4; i++)
        attempts.push(await call(route(server.api, "login"), { body: { username: "limited@example.com", password: "wrong12" } }));
      assert.deepEqual(
        attempts.map((a) => a.status),
        [401, 401, 401, 429],
      );
      assert.equal(attempts[3]!.body.error_code, "TooManyRequests");
      assert.ok(Number(attempts[3]!.headers.get("retry-after")) > 0);
      const right = await call(route(server.api, "login"), { body: { username: "limited@example.com", password: "secret1" } });
      assert.equal(right.status, 429, "the limit holds even for the right password");
      const other = await call(route(server.api, "login"), { body: { username: "someone@example.com", password: "secret1" } });
      assert.equal(other.status, 401, "another account is not limited");
      server.clock.advance(61_000);
      const later = await call(route(server.api, "login"), { body: { username: "limited@example.com", password: "secret1" } });
      assert.equal(later.status, 200);
    } finally {
      await server.close();
    }
  });

  it("limits per IP across accounts", async () => {
    const mail = await new MailCatcher().start();
    const server = await startTestServer({
      config: { smtp: mail.settings, rateLimits: { enabled: true, perAccount: 100, perIp: 5, windowSeconds: 60 } },
    });
    atWindowStart(server);
    try {
      const statuses = [];
      for (let i = 0; i < 6; i++) {
        statuses.push((await call(route(server.api, "reset/send"), { body: { email: `ip${i}@example.com` } })).status);
      }
      assert.deepEqual(statuses, [404, 404, 404, 404, 404, 429]);
      const loginStill = await call(route(server.api, "login"), { body: { username: "x@example.com", password: "secret1" } });
      assert.equal(loginStill.status, 401, "each route has its own counter");
    } finally {
      await server.close();
      await mail.stop();
    }
  });
});

describe("rate limits on user-creating logins", () => {
  it("limits anonymous logins per IP (each creates a user)", async () => {
    const server = await startTestServer({ config: { rateLimits: { enabled: true, perIp: 3, perAccount: 100 } } });
    atWindowStart(server);
    try {
      const statuses = [];
      for (let i = 0; i < 4; i++)
        statuses.push((await call(`${server.api}/app/todo-gatehouse/auth/providers/anon-user/login`, { body: {} })).status);
      assert.deepEqual(statuses, [200, 200, 200, 429]);
    } finally {
      await server.close();
    }
  });
});
