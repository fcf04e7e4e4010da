/**
 * Function limits over HTTP (`functions: {timeLimitMs: 1500, memoryLimitMb: 64}`): a runaway loop
 * fails with ExecutionTimeLimitExceeded while other calls keep being served, and a heap blow-up fails
 * its call without taking the server down.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { Int32 } from "bson";
import type { TestServer } from "../helpers/server.js";
import { anonLogin, assertError, callFunction, startFunctionsServer, until, type Session } from "./helpers.js";

let server: TestServer;
let user: Session;
before(async () => {
  server = await startFunctionsServer();
  user = await anonLogin(server);
  // Warm both workers so the timings below are the functions', not the workers' start-up.
  await Promise.all([1, 2, 3, 4].map((i) => callFunction(server, user.access_token, "sum", [new Int32(i)])));
});
after(async () => {
  await server.close();
});

/** Workers of the user lane held by a long synchronous run right now. */
const held = () => server.services.functions.poolStats()!.user.held;

describe("function limits over HTTP", () => {
  it("loopForever → 400 ExecutionTimeLimitExceeded at the limit; sum calls meanwhile keep succeeding", async () => {
    const started = Date.now();
    const loop = callFunction(server, user.access_token, "loopForever").then((res) => ({ res, ms: Date.now() - started }));
    // The loop's VM reports it as holding its worker (after 20 ms of one synchronous run).
    await until("the loop to hold its worker", () => held() >= 1);
    const sums: { status: number; text: string; ms: number }[] = [];
    // Sequential and concurrent calls while the loop holds one worker (checked after each batch).
    for (let i = 0; i < 5; i++) {
      const t = Date.now();
      const batch = await Promise.all([0, 1].map((j) => callFunction(server, user.access_token, "sum", [new Int32(i), new Int32(j)])));
      for (const res of batch) sums.push({ status: res.status, text: res.text, ms: Date.now() - t });
      assert.ok(held() >= 1, `the loop still holds its worker after batch ${i}`);
    }
    const { res, ms } = await loop;
    assertError(res, { status: 400, code: "ExecutionTimeLimitExceeded", error: "execution time limit exceeded (1500 ms)" });
    assert.ok(ms >= 1400 && ms < 5000, `stopped after ${ms} ms`);
    assert.equal(sums.length, 10);
    for (const [k, sum] of sums.entries()) {
      assert.equal(sum.status, 200, sum.text);
      assert.equal(sum.text, `{"$numberInt":"${Math.floor(k / 2) + (k % 2)}"}`);
      assert.ok(sum.ms < 1000, `a sum waited ${sum.ms} ms behind the loop`);
    }
    // And afterwards.
    assert.equal((await callFunction(server, user.access_token, "sum", [new Int32(1), new Int32(1)])).text, '{"$numberInt":"2"}');
  });

  // Found by this test: ties between a looping worker and a busy one went to the looping one.
  it("a call arriving in the first 100 ms of a loop is not queued behind it", async () => {
    const loop = callFunction(server, user.access_token, "loopForever");
    // The loop is on a worker (not yet necessarily reported as holding it).
    await until("the loop to be dispatched", () => server.services.functions.poolStats()!.user.running >= 1);
    const started = Date.now();
    const sums = await Promise.all(
      [1, 2].map((i) => callFunction(server, user.access_token, "sum", [new Int32(i)]).then(() => Date.now() - started)),
    );
    await loop;
    for (const ms of sums) assert.ok(ms < 1000, `a sum waited ${ms} ms behind the loop`);
  });

  it("two loops at once both time out, and the pool still answers after", async () => {
    const loops = await Promise.all([1, 2].map(() => callFunction(server, user.access_token, "loopForever")));
    for (const res of loops) assertError(res, { status: 400, code: "ExecutionTimeLimitExceeded" });
    assert.equal((await callFunction(server, user.access_token, "sum", [new Int32(20), new Int32(22)])).text, '{"$numberInt":"42"}');
  });

  it("allocate → 400 FunctionExecutionError (memory limit); the next call works", async () => {
    const res = await callFunction(server, user.access_token, "allocate");
    assertError(res, { status: 400, code: "FunctionExecutionError", error: /memory limit exceeded \(64 MB per app/ });
    const next = await callFunction(server, user.access_token, "sum", [new Int32(1), new Int32(2)]);
    assert.equal(next.status, 200, next.text);
    assert.equal(next.text, '{"$numberInt":"3"}');
    // The server itself is fine: logins and other routes still work.
    const other = await anonLogin(server);
    assert.equal((await callFunction(server, other.access_token, "echo", ["still here"])).text, '["still here"]');
  });
});
