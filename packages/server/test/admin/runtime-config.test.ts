/**
 * Run-time configuration over the admin API: providers enabled or disabled, the refresh-token lifetime.
 * Changes are stored, win over the app directory, survive a restart, reach a second instance over the
 * same database, and are audited.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { call, jwtClaims, startTestServer, todoApp, type TestServer } from "../helpers/server.js";
import { assertError, startAdminServer, type AdminTestServer } from "./helpers.js";

describe("admin run-time configuration", () => {
  let server: AdminTestServer;
  let second: TestServer;
  before(async () => {
    server = await startAdminServer({ apps: [todoApp] });
    second = await startTestServer({ apps: [todoApp], db: `sqlite:${join(server.dir, "gatehouse.db")}` });
  });
  after(async () => {
    await second.close();
    await server.close();
  });

  const path = (sub: string) => server.appPath("todo-gatehouse", sub);
  const anonLogin = (target: TestServer) => call(`${target.api}/app/todo-gatehouse/auth/providers/anon-user/login`, { body: {} });

  /** Polls `check` until it holds: the second instance reloads its copy within a second. */
  async function eventually(check: () => Promise<boolean>, what: string): Promise<void> {
    const deadline = Date.now() + 5000;
    while (!(await check())) {
      if (Date.now() > deadline) throw new Error(`not within 5 s: ${what}`);
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  it("lists the app's providers with _id, name, type and disabled", async () => {
    const res = await server.adminCall(path("/auth_providers"));
    assert.equal(res.status, 200);
    const byName = Object.fromEntries(res.body.map((p: any) => [p.name, p]));
    assert.equal(byName["anon-user"].disabled, false);
    assert.equal(byName["api-key"].disabled, true, "as the app directory says");
    assert.match(byName["anon-user"]._id, /^[0-9a-f]{24}$/);
  });

  it("disabling a provider refuses its logins on this instance at once and on another over the same database", async () => {
    const providers = (await server.adminCall(path("/auth_providers"))).body;
    const anon = providers.find((p: any) => p.name === "anon-user");
    assert.equal((await server.adminCall(path(`/auth_providers/${anon._id}/disable`), { method: "PUT" })).status, 204);
    assertError(await anonLogin(server), 404, "AuthProviderNotFound");
    await eventually(async () => (await anonLogin(second)).status === 404, "the second instance refuses anon logins");
    assert.equal((await server.adminCall(path("/auth_providers"))).body.find((p: any) => p.name === "anon-user").disabled, true);
    // By name too (a Gatehouse extension); enabling brings it back everywhere.
    assert.equal((await server.adminCall(path("/auth_providers/anon-user/enable"), { method: "PUT" })).status, 204);
    assert.equal((await anonLogin(server)).status, 200);
    await eventually(async () => (await anonLogin(second)).status === 200, "the second instance serves anon logins again");
    const types = (await server.listAuditEvents({ clientAppId: "todo-gatehouse" })).map((e) => [e.type, e.actor]);
    assert.ok(types.some(([t, a]) => t === "provider_disable" && a === "test-operator"));
    assert.ok(types.some(([t]) => t === "provider_enable"));
  });

  it("enables a provider the app directory disables", async () => {
    assert.equal((await server.adminCall(path("/auth_providers/api-key/enable"), { method: "PUT" })).status, 204);
    assert.equal((await server.adminCall(path("/auth_providers"))).body.find((p: any) => p.name === "api-key").disabled, false);
    const login = await call(`${server.api}/app/todo-gatehouse/auth/providers/api-key/login`, { body: { key: "x".repeat(64) } });
    assertError(login, 401, "AuthError", "invalidApiKey");
    assert.equal((await server.adminCall(path("/auth_providers/api-key/disable"), { method: "PUT" })).status, 204);
  });

  it("unknown providers are 404, no token 401", async () => {
    assertError(
      await server.adminCall(path("/auth_providers/oauth2-nope/enable"), { method: "PUT" }),
      404,
      "AuthProviderNotFound",
      "adminProviderNotFound",
    );
    assertError(await server.adminCall(path("/auth_providers"), { token: null }), 401, "MissingAuthReq");
  });

  it("sets the refresh-token lifetime of new sessions (1800 s to 5 years), persisted for every instance", async () => {
    const get = await server.adminCall(path("/security/refresh_token_expiration"));
    assert.deepEqual(get.body, { expiration_time_seconds: 5_184_000 });
    const put = await server.adminCall(path("/security/refresh_token_expiration"), {
      method: "PUT",
      body: { expiration_time_seconds: 7200 },
    });
    assert.equal(put.status, 204);
    assert.deepEqual((await server.adminCall(path("/security/refresh_token_expiration"))).body, { expiration_time_seconds: 7200 });
    const reg = await call(`${server.api}/app/todo-gatehouse/auth/providers/local-userpass/register`, {
      body: { email: "rt@example.com", password: "secret-pw" },
    });
    assert.equal(reg.status, 201);
    const loginOn = (target: TestServer) =>
      call(`${target.api}/app/todo-gatehouse/auth/providers/local-userpass/login`, {
        body: { username: "rt@example.com", password: "secret-pw" },
      });
    const lifetime = (token: string) => jwtClaims(token).exp - jwtClaims(token).iat;
    assert.equal(lifetime((await loginOn(server)).body.refresh_token), 7200);
    await eventually(async () => lifetime((await loginOn(second)).body.refresh_token) === 7200, "the second instance uses 7200 s");
    assertError(
      await server.adminCall(path("/security/refresh_token_expiration"), { method: "PUT", body: { expiration_time_seconds: 60 } }),
      400,
      "InvalidParameter",
      "refreshExpirationRange",
    );
    assertError(
      await server.adminCall(path("/security/refresh_token_expiration"), { method: "PUT", body: { expiration_time_seconds: "7200" } }),
      400,
      "InvalidParameter",
    );
    const [event] = await server.listAuditEvents({ clientAppId: "todo-gatehouse", type: "refresh_expiration_set" });
    assert.equal(event?.detail, "7200");
  });

  it("survives a restart: the store keeps it", async () => {
    const again = await startTestServer({ apps: [todoApp], db: `sqlite:${join(server.dir, "gatehouse.db")}` });
    try {
      assert.equal(again.services.apps.get("todo-gatehouse")!.overrides.refreshTokenLifetimeSeconds, 7200);
    } finally {
      await again.close();
    }
  });
});
