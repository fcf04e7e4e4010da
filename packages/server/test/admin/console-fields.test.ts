/**
 * The Gatehouse extensions of the admin API that the console reads, over HTTP: `user_count` on the app
 * list, `supported` on providers (and enabling an unserved type refused), the one-user view's
 * `active_sessions`, `custom_data` and `api_keys`, and `logs/stats`.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { call, keysApp, secondApp, todoApp } from "../helpers/server.js";
import { functionsApp, FUNCTION_LIMITS } from "../functions-http/helpers.js";
import { anonUser, assertError, startAdminServer, userpassUser, type AdminTestServer } from "./helpers.js";

const HOUR = 3600;

describe("admin API fields the console reads", () => {
  let server: AdminTestServer;
  before(async () => {
    server = await startAdminServer({ apps: [todoApp, secondApp, keysApp, functionsApp], config: { functions: FUNCTION_LIMITS } });
  });
  after(() => server.close());

  /** An admin call with a session opened at the test clock's present (the tests move the clock). */
  let token: { at: number; access: string } | undefined;
  async function admin(path: string, init: { method?: string; body?: unknown; token?: null } = {}) {
    const age = token ? server.clock.now() - token.at : Infinity;
    if (age < 0 || age > 60_000) {
      const login = await call(`${server.adminApi}/auth/providers/mongodb-cloud/login`, {
        body: { username: server.key.username, apiKey: server.key.apiKey },
      });
      assert.equal(login.status, 200, login.text);
      token = { at: server.clock.now(), access: login.body.access_token };
    }
    return server.adminCall(path, { ...init, token: init.token === null ? null : token!.access });
  }

  const apps = async () => (await admin(`/groups/${server.groupId}/apps`)).body as any[];
  const countOf = async (clientAppId: string) => (await apps()).find((a) => a.client_app_id === clientAppId).user_count;
  /** What the counter must agree with: the users table itself. */
  const storeCount = async (clientAppId: string) => {
    const row = await server.services.store.db
      .selectFrom("users")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .where("app_id", "=", clientAppId)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  };

  it("user_count on each app follows sign-ups, admin creates and deletes", async () => {
    assert.deepEqual(
      (await apps()).map((a) => [a.client_app_id, a.user_count]),
      [
        ["todo-gatehouse", 0],
        ["second-app", 0],
        ["keys-app", 0],
        ["functions-app", 0],
      ],
    );
    const anons = [await anonUser(server, "todo-gatehouse"), await anonUser(server, "todo-gatehouse")];
    await userpassUser(server, "todo-gatehouse", "count-me@example.com");
    await anonUser(server, "second-app");
    const created = await admin(server.appPath("todo-gatehouse", "/users"), {
      method: "POST",
      body: { email: "by-admin@example.com", password: "secret-pw" },
    });
    assert.equal(created.status, 201, created.text);
    assert.equal(await countOf("todo-gatehouse"), 4);
    assert.equal(await countOf("second-app"), 1);
    const removed = await admin(server.appPath("todo-gatehouse", `/users/${anons[0]!.user_id}`), { method: "DELETE" });
    assert.equal(removed.status, 204);
    assert.equal(await countOf("todo-gatehouse"), 3);
    assert.equal(await countOf("todo-gatehouse"), await storeCount("todo-gatehouse"));
    // The single-app view is unchanged (§11's shape); only the list carries the count.
    assert.equal((await admin(server.appPath("todo-gatehouse"))).body.user_count, undefined);
  });

  it("providers of a type this build does not serve say supported: false and cannot be enabled", async () => {
    const list = await admin(server.appPath("second-app", "/auth_providers"));
    assert.equal(list.status, 200);
    const byName = Object.fromEntries(list.body.map((p: any) => [p.name, p]));
    assert.equal(byName["oauth2-ldap"].supported, false);
    assert.equal(byName["anon-user"].supported, true);
    assert.equal(byName["local-userpass"].supported, true, "disabled is not unsupported");
    assert.equal(byName["local-userpass"].disabled, true);
    const refused = await admin(server.appPath("second-app", `/auth_providers/${byName["oauth2-ldap"]._id}/enable`), {
      method: "PUT",
    });
    assertError(refused, 400, "InvalidParameter", "adminProviderNotServed");
    assert.match(refused.body.error, /oauth2-ldap/);
    const events = await server.listAuditEvents({ clientAppId: "second-app" });
    assert.ok(!events.some((e) => e.type === "provider_enable"), "nothing was changed or audited");
    // Disabling it stays possible: it changes nothing a client sees, and the operator's intent is kept.
    assert.equal((await admin(server.appPath("second-app", "/auth_providers/oauth2-ldap/disable"), { method: "PUT" })).status, 204);
    // A served type that the app directory disables is enabled as before.
    assert.equal((await admin(server.appPath("second-app", "/auth_providers/local-userpass/enable"), { method: "PUT" })).status, 204);
  });

  it("one user carries active_sessions, custom_data and api_keys; lists do not", async () => {
    const owner = await userpassUser(server, "keys-app", "owner@example.com");
    const second = await call(`${server.api}/app/keys-app/auth/providers/local-userpass/login`, {
      body: { username: "owner@example.com", password: "secret-pw" },
    });
    assert.equal(second.status, 200);
    const created = await call(`${server.api}/auth/api_keys`, { token: owner.refresh_token, body: { name: "ci-key" } });
    assert.equal(created.status, 201, created.text);
    const get = () => admin(server.appPath("keys-app", `/users/${owner.user_id}`));
    let user = (await get()).body;
    // Two logins and the API key's own login-less creation: two sessions.
    assert.equal(user.active_sessions, 2);
    assert.equal(user.custom_data, null, "keys-app has no custom user data");
    assert.deepEqual(user.api_keys, [{ _id: created.body._id, name: "ci-key", disabled: false }]);
    assert.ok(!JSON.stringify(user).includes(created.body.key), "never the secret");
    const stored = await server.services.store.apiKeys.listOf(owner.user_id);
    assert.ok(!JSON.stringify(user).includes(stored[0]!.keyHash), "never its hash");

    const revoked = await call(`${server.api}/auth/session`, { method: "DELETE", token: second.body.refresh_token });
    assert.equal(revoked.status, 204);
    assert.equal((await get()).body.active_sessions, 1);
    // Expired sessions are not active either.
    server.clock.advance(61 * 24 * HOUR * 1000);
    assert.equal((await get()).body.active_sessions, 0);
    server.clock.advance(-61 * 24 * HOUR * 1000);

    const listed = (await admin(server.appPath("keys-app", "/users"))).body;
    for (const field of ["active_sessions", "custom_data", "api_keys"]) assert.equal(field in listed[0], false, field);

    const fan = await anonUser(server, "functions-app");
    user = (await admin(server.appPath("functions-app", `/users/${fan.user_id}`))).body;
    assert.equal(user.custom_data.user_id, fan.user_id);
    assert.equal(user.custom_data.plan, "free");
    assert.equal(user.custom_data.visits, 1);
    assert.equal(user.custom_data.firstProvider, "anon-user");
  });

  it("logs/stats counts sign-ups, logins, failed logins and logins by provider per hour", async () => {
    server.clock.advance(HOUR * 1000); // away from the events of the tests above
    const start = Math.floor(server.clock.now() / 1000);
    const app = "todo-gatehouse";
    await userpassUser(server, app, "stats-a@example.com"); // a sign-up and a login
    await anonUser(server, app); // a sign-up and a login
    for (let i = 0; i < 2; i++) {
      const bad = await call(`${server.api}/app/${app}/auth/providers/local-userpass/login`, {
        body: { username: "stats-a@example.com", password: "wrong-password" },
      });
      assert.equal(bad.status, 401);
    }
    server.clock.advance(2 * HOUR * 1000);
    await anonUser(server, app);
    const end = Math.floor(server.clock.now() / 1000) + 1;

    const res = await admin(server.appPath(app, `/logs/stats?bucket=hour&start_date=${start - 1}&end_date=${end}`));
    assert.equal(res.status, 200, res.text);
    const stats = res.body;
    assert.equal(stats.bucket, "hour");
    assert.equal(stats.buckets.length, Math.floor((end - 1) / HOUR) - Math.floor(start / HOUR) + 1);
    // Every count agrees with the audit log over the same range.
    const events = (await server.listAuditEvents({ clientAppId: app })).filter((e) => e.at / 1000 > start - 1 && e.at / 1000 < end);
    const count = (type: string, ok: boolean) => events.filter((e) => e.type === type && (e.result === "ok") === ok).length;
    assert.deepEqual(stats.totals, {
      events: events.length,
      signups: count("user_created", true),
      logins: count("login", true),
      failed_logins: count("login", false),
    });
    assert.equal(stats.totals.signups, 3);
    assert.equal(stats.totals.logins, 3);
    assert.equal(stats.totals.failed_logins, 2);
    assert.deepEqual(stats.logins_by_provider, [
      { provider: "anon-user", logins: 2 },
      { provider: "local-userpass", logins: 1 },
    ]);
    const busy = stats.buckets.filter((b: any) => b.events > 0);
    assert.equal(busy.length, 2, "two hours apart");
    assert.deepEqual(
      busy.map((b: any) => [b.signups, b.logins, b.failed_logins]),
      [
        [2, 2, 2],
        [1, 1, 0],
      ],
    );
    for (const b of stats.buckets) assert.equal(b.start % HOUR, 0, "hour buckets start on the hour");

    // The log's own filters apply: one type, one user.
    const onlyLogins = (await admin(server.appPath(app, `/logs/stats?bucket=hour&start_date=${start - 1}&type=login`))).body;
    assert.deepEqual(onlyLogins.totals, { events: 5, signups: 0, logins: 3, failed_logins: 2 });
    const failed = (await admin(server.appPath(app, `/logs/stats?bucket=hour&start_date=${start - 1}&result=ok&type=login`))).body;
    assert.equal(failed.totals.failed_logins, 0);
  });

  it("logs/stats per day starts days at the operator's midnight (utc_offset)", async () => {
    const app = "todo-gatehouse";
    const utc = (await admin(server.appPath(app, "/logs/stats?bucket=day"))).body;
    assert.equal(utc.buckets.length >= 30 && utc.buckets.length <= 31, true, "thirty days by default");
    for (const b of utc.buckets) assert.equal(b.start % 86_400, 0);
    const east = (await admin(server.appPath(app, "/logs/stats?bucket=day&utc_offset=120"))).body;
    assert.equal(east.utc_offset, 120);
    for (const b of east.buckets) assert.equal((b.start + 7200) % 86_400, 0, "midnight at UTC+2");
    assert.equal(east.totals.events, utc.totals.events);
  });

  it("logs/stats refuses bad input with named errors", async () => {
    const path = (q: string) => server.appPath("todo-gatehouse", `/logs/stats${q}`);
    assertError(await admin(path("")), 400, "MissingParameter");
    assertError(await admin(path("?bucket=week")), 400, "InvalidParameter");
    assertError(await admin(path("?bucket=hour&utc_offset=900")), 400, "InvalidParameter");
    assertError(await admin(path("?bucket=hour&start_date=200&end_date=100")), 400, "InvalidParameter", "logStatsRangeEmpty");
    assertError(await admin(path(`?bucket=hour&start_date=0&end_date=${3600 * 1001}`)), 400, "InvalidParameter", "logStatsRangeTooLong");
    assertError(await admin(path("?bucket=hour&start_date=yesterday")), 400, "InvalidParameter", "timeFilterInvalid");
    assertError(await admin(path("?bucket=hour"), { token: null }), 401, "MissingAuthReq");
  });
});
