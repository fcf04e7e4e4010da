/**
 * Fair scheduling over HTTP: one anonymous user's four infinite loops (the attack of issue 8) hold
 * both user workers, yet another app's calls, another user's calls and custom-function logins of both
 * apps are answered while the loops run; the loops time out themselves, and the user's own call that
 * waited behind them (over its concurrency limit) runs to success afterwards — waiting is not blamed.
 */
import assert from "node:assert/strict";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { EJSON, Int32 } from "bson";
import { call, startTestServer, type TestServer } from "../helpers/server.js";
import { collection, functionsApp } from "./helpers.js";
import { until } from "../helpers/until.js";

const OTHER = "functions-other";
// Wide: under a loaded CI machine a surge worker's start (a new thread, the apps' VMs) takes seconds.
const LIMIT_MS = 8000;
let server: TestServer;
let dir: string;

before(async () => {
  // A second app: a copy of the fixture under another client app id.
  dir = mkdtempSync(join(tmpdir(), "gatehouse-fair-"));
  const other = join(dir, OTHER);
  cpSync(functionsApp, other, { recursive: true });
  const config = JSON.parse(readFileSync(join(other, "realm_config.json"), "utf8")) as Record<string, unknown>;
  writeFileSync(join(other, "realm_config.json"), JSON.stringify({ ...config, app_id: OTHER, name: OTHER }));
  server = await startTestServer({
    apps: [functionsApp, other],
    config: { functions: { timeLimitMs: LIMIT_MS, memoryLimitMb: 64, workers: 2, authWorkers: 1, maxConcurrentPerUser: 4 } },
  });
});
after(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

const route = (app: string, sub: string) => `${server.api}/app/${app}/${sub}`;
async function login(app: string, provider: string, body: unknown = {}) {
  const res = await call(route(app, `auth/providers/${provider}/login`), { body });
  assert.equal(res.status, 200, `${app} ${provider} login: ${res.text}`);
  return (res.body as { access_token: string }).access_token;
}
function fn(app: string, token: string, name: string, args: unknown[] = []) {
  return call(route(app, "functions/call"), { token, body: EJSON.stringify({ name, arguments: args }, { relaxed: false }) });
}

describe("fair function scheduling", () => {
  it("one user's loops leave another app's calls, another user's calls and custom-function logins working", async () => {
    const attacker = await login("functions-app", "anon-user");
    const neighbour = await login("functions-app", "anon-user");
    const elsewhere = await login(OTHER, "anon-user");
    // Warm both apps so the timings below are scheduling, not first-call VM builds.
    for (const [app, token] of [
      ["functions-app", neighbour],
      [OTHER, elsewhere],
    ] as const) {
      assert.equal((await fn(app, token, "sum", [new Int32(1), new Int32(1)])).status, 200);
    }

    const loops = [1, 2, 3, 4].map((i) =>
      fn("functions-app", attacker, "markThenSpin", [`fair-${i}`]).then((res) => ({ res, at: Date.now() })),
    );
    // Over the user's concurrency limit: waits in line, behind its own loops.
    const queued = fn("functions-app", attacker, "sum", [new Int32(20), new Int32(22)]);
    const spinning = collection(server, "spinning");
    await until(
      "the loops to run",
      async () => (await spinning.countDocuments({ tag: { $in: ["fair-1", "fair-2", "fair-3", "fair-4"] } })) >= 2,
    );
    await until("both user workers to be held", () => server.services.functions.poolStats()!.user.held >= 2);

    const served: { what: string; ok: boolean; at: number }[] = [];
    const note = (what: string, ok: boolean) => served.push({ what, ok, at: Date.now() });
    const otherApp = (async () => {
      for (let i = 0; i < 3; i++) {
        const res = await fn(OTHER, elsewhere, "sum", [new Int32(i), new Int32(1)]);
        note(`${OTHER} sum ${i}`, res.status === 200 && res.text === `{"$numberInt":"${i + 1}"}`);
      }
    })();
    const sameAppOtherUser = fn("functions-app", neighbour, "sum", [new Int32(2), new Int32(3)]).then((res) =>
      note("functions-app sum by another user", res.status === 200 && res.text === '{"$numberInt":"5"}'),
    );
    const logins = ["functions-app", OTHER].map((app) =>
      call(route(app, "auth/providers/custom-function/login"), { body: { username: `fair-${app}`, password: "letmein" } }).then((res) =>
        note(`${app} custom-function login`, res.status === 200),
      ),
    );
    await Promise.all([otherApp, sameAppOtherUser, ...logins]);

    const ended = await Promise.all(loops);
    const firstLoopEnd = Math.min(...ended.map((l) => l.at));
    for (const { res } of ended) {
      assert.equal(res.status, 400, res.text);
      assert.equal((res.body as { error_code: string }).error_code, "ExecutionTimeLimitExceeded");
    }
    assert.equal(served.length, 6);
    for (const entry of served) {
      assert.ok(entry.ok, `${entry.what} failed`);
      assert.ok(entry.at < firstLoopEnd, `${entry.what} waited for the loops (${entry.at - firstLoopEnd} ms after the first ended)`);
    }
    // The call that waited behind its user's loops ran once they ended, with its own full time limit.
    const late = await queued;
    assert.equal(late.status, 200, late.text);
    assert.equal(late.text, '{"$numberInt":"42"}');
  });
});
