import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { once } from "node:events";
import { FunctionRuntime, WorkerPool } from "../../src/functions/index.js";
import { testApp } from "./helpers.js";

const sources = {
  quick: "exports = function (x) { return x; }",
  slowButFine: "exports = async function () { await new Promise((r) => setTimeout(r, 50)); return 'done'; }",
  spin: "exports = function () { while (true) {} }",
  never: "exports = function () { return new Promise(() => {}); }",
  spinLater: "exports = async function () { await null; while (true) {} }",
  spinInTimer: "exports = function () { return new Promise(() => setTimeout(() => { while (true) {} }, 1)); }",
  nestedSpin: "exports = function () { return context.functions.execute('spin'); }",
  hog: "exports = function () { const keep = []; while (true) keep.push({ a: Math.random(), b: 'x'.repeat(64) }); }",
  // One built-in call that runs for seconds without looking at the interrupt handler: the decimal
  // text of a ~1M-bit BigInt (QuickJS's largest) is quadratic work inside a single operation.
  stuckInBuiltin: "exports = function () { return String((3n ** 650000n).toString().length); }",
  stuckLater:
    "exports = async function () { await new Promise((r) => setTimeout(r, 1)); return String((3n ** 650000n).toString().length); }",
};
/** Beyond the longest limit in flight, how long a worker that stopped answering gets (small: only the backstop test needs it). */
const STUCK_GRACE_MS = 200;
/** The main thread's backstop: a call's limit plus this (pool-types.ts BACKSTOP_MS). */
const BACKSTOP_MS = 1000;

const TIME_LIMIT = 400;

describe("FunctionRuntime: time and memory limits", () => {
  let runtime: FunctionRuntime;
  // The test's own pool, so that it can wait for the pool's events instead of sleeping.
  const pool = new WorkerPool({ workers: 2, memoryLimitMb: 48, stuckGraceMs: STUCK_GRACE_MS });
  const replaced: string[] = [];
  pool.events.on("replaced", ({ reason }) => replaced.push(reason));

  before(async () => {
    runtime = new FunctionRuntime({ app: testApp(sources), data: () => undefined, timeLimitMs: TIME_LIMIT, pool });
    await runtime.start();
    // Both workers up before timing anything.
    await Promise.all([quick(), quick()]);
  });
  after(async () => {
    await runtime.close();
    await pool.close();
  });

  const run = (name: string, timeLimitMs?: number) =>
    runtime.call(name, [], { user: null, fromClient: false, ...(timeLimitMs ? { timeLimitMs } : {}) });
  const quick = () => runtime.call("quick", ["ok"], { user: null, fromClient: false });

  it("stops a synchronous infinite loop while other calls keep being served", async () => {
    const started = Date.now();
    let spinSettledAt = 0;
    const held = once(pool.events, "hold");
    const spinning = assert.rejects(run("spin"), { code: "ExecutionTimeLimitExceeded" }).finally(() => (spinSettledAt = Date.now()));
    // Calls made while the loop runs go to the other worker: its VM has reported the loop as holding it.
    await held;
    const others = await Promise.all([run("slowButFine"), quick(), quick()]);
    const othersDoneAt = Date.now();
    assert.deepEqual(others, ["done", "ok", "ok"]);
    await spinning;
    assert.ok(othersDoneAt <= spinSettledAt, "the other calls did not wait for the loop");
    assert.ok(spinSettledAt - started < TIME_LIMIT + 1000);
    assert.equal(await quick(), "ok");
  });

  it("stops a loop reached through context.functions.execute", async () => {
    await assert.rejects(run("nestedSpin"), { code: "ExecutionTimeLimitExceeded" });
  });

  it("fails a never-settling async function at the deadline without restarting its worker", async () => {
    const workers = await pool.probe();
    const before = replaced.length;
    await assert.rejects(run("never"), { code: "ExecutionTimeLimitExceeded" });
    // The same threads answer a ping after the deadline: none was replaced, none is stuck.
    assert.deepEqual(await pool.probe(), workers);
    assert.deepEqual(replaced.slice(before), []);
    assert.equal(await quick(), "ok");
  });

  it("stops a loop after an await or in a timer inside the VM, without replacing any worker", async () => {
    const workers = await pool.probe();
    const before = replaced.length;
    await Promise.all([
      assert.rejects(run("spinLater"), { code: "ExecutionTimeLimitExceeded" }),
      assert.rejects(run("spinInTimer"), { code: "ExecutionTimeLimitExceeded" }),
    ]);
    // The VM's interrupt stops every run of a call at its deadline, so no worker is ever stuck.
    assert.deepEqual(await Promise.all([quick(), quick(), quick()]), ["ok", "ok", "ok"]);
    assert.deepEqual(await pool.probe(), workers);
    assert.deepEqual(replaced.slice(before), []);
  });

  it("fails a call stuck in a built-in past the main thread's backstop and replaces its worker, serving others meanwhile", async () => {
    const before = replaced.length;
    const threads = (await pool.probe()).length;
    const respawned = once(pool.events, "ready");
    // Placement fills the first worker: a loop holds it, so the stuck call goes to the second one
    // (a call sent beside it, before it went quiet, would share its fate: nothing can be handed back
    // from inside a built-in).
    const held = once(pool.events, "hold");
    const spinning = assert.rejects(run("spin"), { code: "ExecutionTimeLimitExceeded" });
    await held;
    const started = Date.now();
    let stuckSettledAt = 0;
    const stuck = assert
      .rejects(run("stuckInBuiltin"), (error: Error & { code?: string; reason?: string }) => {
        assert.equal(error.code, "FunctionExecutionError");
        assert.equal(error.reason, "functionWorkerFailed");
        return true;
      })
      .finally(() => (stuckSettledAt = Date.now()));
    // Once the loop has ended, the first worker answers while the second is stuck.
    await spinning;
    assert.equal(await quick(), "ok");
    assert.equal(await quick(), "ok");
    assert.equal(stuckSettledAt, 0, "the stuck call ended before the others were served");
    await stuck;
    // Not before the call's own limit plus the backstop: the VM's deadline is the first line, this the second.
    assert.ok(stuckSettledAt - started >= TIME_LIMIT + BACKSTOP_MS, `settled after ${stuckSettledAt - started} ms`);
    assert.equal(replaced.length, before + 1);
    assert.match(replaced[before]!, /stopped responding/);
    await respawned;
    assert.deepEqual(await Promise.all([quick(), quick(), quick()]), ["ok", "ok", "ok"]);
    assert.equal((await pool.probe()).length, threads);
  });

  it("a call sent beside one that gets stuck in a built-in is placed again when the stuck worker is replaced, not failed", async () => {
    const before = replaced.length;
    const handedBack: number[] = [];
    const onHandback = ({ threadId }: { threadId: number }) => handedBack.push(threadId);
    pool.events.on("handback", onHandback);
    const respawned = once(pool.events, "ready");
    // One turn: both go to the first worker, the quick call queued behind the stuck one.
    const stuck = assert.rejects(run("stuckInBuiltin"), { code: "FunctionExecutionError", reason: "functionWorkerFailed" });
    const beside = quick();
    assert.equal(await beside, "ok");
    await stuck;
    pool.events.off("handback", onHandback);
    assert.equal(replaced.length, before + 1);
    assert.match(replaced[before]!, /stopped responding/);
    // Given back by the replaced worker (whose thread is gone), once.
    assert.equal(handedBack.length, 1);
    assert.ok(!(await pool.probe()).includes(handedBack[0]!));
    await respawned;
  });

  it("times out a call stuck in a built-in in a later entry (after it was reported started) and replaces its worker", async () => {
    const before = replaced.length;
    const threads = (await pool.probe()).length;
    const respawned = once(pool.events, "ready");
    const started = Date.now();
    await assert.rejects(run("stuckLater"), { code: "ExecutionTimeLimitExceeded" });
    assert.ok(Date.now() - started >= TIME_LIMIT + BACKSTOP_MS, `settled after ${Date.now() - started} ms`);
    // The backstop failed the call first; the worker, still not answering, is then replaced.
    await respawned;
    assert.equal(replaced.length, before + 1);
    assert.match(replaced[before]!, /stopped responding/);
    assert.equal(await quick(), "ok");
    assert.equal((await pool.probe()).length, threads);
  });

  it("fails a memory blow-up with FunctionExecutionError and serves the next call", async () => {
    await assert.rejects(run("hog", 20_000), (error: Error & { code?: string }) => {
      assert.equal(error.code, "FunctionExecutionError");
      assert.match(error.message, /memory limit exceeded \(48 MB/);
      return true;
    });
    assert.equal(await quick(), "ok");
    assert.deepEqual(await Promise.all([quick(), quick()]), ["ok", "ok"]);
  });
});
