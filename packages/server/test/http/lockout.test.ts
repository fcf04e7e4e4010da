import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { call, startTestServer, type TestServer } from "../helpers/server.js";

const route = (server: TestServer, sub: string) => `${server.api}/app/todo-gatehouse/auth/providers/local-userpass/${sub}`;

/** A login from `ip` (the server trusts one proxy hop, so X-Forwarded-For names the client). */
const login = (server: TestServer, ip: string, password: string) =>
  call(route(server, "login"), { body: { username: "owner@example.com", password }, headers: { "x-forwarded-for": ip } }).then((r) => {
    // Statuses stand for reasons here: 401 is a wrong password, 429 a refused attempt.
    if (r.status === 401) assert.equal(r.body.reason, "invalidPassword");
    if (r.status === 429) assert.equal(r.body.reason, "tooManyRequests");
    return r.status;
  });

const WINDOW_SECONDS = 3600;

/** Moves the (real-time based) test clock to the start of a rate-limit window, so no test straddles two. */
function startOfWindow(server: TestServer): void {
  const windowMs = WINDOW_SECONDS * 1000;
  server.clock.advance(windowMs - (server.clock.now() % windowMs));
}

async function withOwner(rateLimits: Record<string, number>, work: (server: TestServer) => Promise<void>) {
  const server = await startTestServer({
    config: { trustProxy: 1, rateLimits: { enabled: true, perIp: 1000, windowSeconds: WINDOW_SECONDS, ...rateLimits } },
  });
  startOfWindow(server);
  try {
    assert.equal((await call(route(server, "register"), { body: { email: "owner@example.com", password: "owner-secret" } })).status, 201);
    await work(server);
  } finally {
    await server.close();
  }
}

describe("login lockout cannot be used against the owner", () => {
  it("the owner logs in after a third party's failures", () =>
    withOwner({ perAccount: 10 }, async (server) => {
      const attacker: number[] = [];
      for (let i = 0; i < 15; i++) attacker.push(await login(server, "203.0.113.66", `guess-${i}`));
      assert.deepEqual(attacker.slice(0, 10), Array(10).fill(401));
      assert.deepEqual(attacker.slice(10), Array(5).fill(429), "the guessing IP is locked out of the account");
      assert.equal(await login(server, "198.51.100.7", "owner-secret"), 200, "the owner is not");
      assert.equal(await login(server, "203.0.113.66", "owner-secret"), 429, "the guesser stays locked even with the password");
    }));

  it("counts failures, not attempts: a successful login clears the account's counter", () =>
    withOwner({ perAccount: 3 }, async (server) => {
      const ip = "198.51.100.7";
      const statuses = [];
      for (const password of ["typo-1", "typo-2", "owner-secret", "owner-secret", "typo-3", "typo-4", "typo-5", "typo-6"]) {
        statuses.push(await login(server, ip, password));
      }
      assert.deepEqual(statuses, [401, 401, 200, 200, 401, 401, 401, 429]);
    }));

  it("a guess spread over many IPs leaves each IP one try, and the owner's IP its login", () =>
    withOwner({ perAccount: 3, perAccountAllIps: 6 }, async (server) => {
      for (const ip of ["203.0.113.1", "203.0.113.2"]) {
        for (let i = 0; i < 3; i++) assert.equal(await login(server, ip, `guess-${i}`), 401);
      }
      assert.equal(await login(server, "203.0.113.3", "guess-x"), 401, "a fresh IP gets one try");
      assert.equal(await login(server, "203.0.113.3", "guess-y"), 429, "and no second");
      assert.equal(await login(server, "198.51.100.7", "owner-secret"), 200, "the owner, with no failure of her own, logs in");
      assert.equal(await login(server, "203.0.113.4", "guess-z"), 401, "her login cleared the account's count");
    }));

  it("keeps the per-IP limit across accounts", async () => {
    const server = await startTestServer({
      config: { trustProxy: 1, rateLimits: { enabled: true, perIp: 4, perAccount: 100, windowSeconds: WINDOW_SECONDS } },
    });
    startOfWindow(server);
    try {
      const statuses = [];
      for (let i = 0; i < 5; i++) {
        statuses.push(
          (
            await call(route(server, "login"), {
              body: { username: `u${i}@example.com`, password: "whatever" },
              headers: { "x-forwarded-for": "203.0.113.9" },
            })
          ).status,
        );
      }
      assert.deepEqual(statuses, [401, 401, 401, 401, 429]);
    } finally {
      await server.close();
    }
  });
});
