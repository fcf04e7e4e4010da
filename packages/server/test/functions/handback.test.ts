/**
 * Hand-back: a worker held by a long run gives back the calls it has received and not started, and
 * the pool places them again. Calls of other callers run elsewhere at once (a surge worker when no
 * regular one is free); calls of the looping caller itself wait for a regular worker and never take a
 * surge one. Every call runs exactly once (counted by a host service on the main thread), and time
 * spent waiting is not counted against a call's own limit.
 */
import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { once } from "node:events";
import { FunctionRuntime, WorkerPool } from "../../src/functions/index.js";
import { alice, testApp } from "./helpers.js";

const sources = {
  spin: "exports = function () { while (true) {} }",
  count: "exports = async function (tag) { await context.services.get('counter').hit(tag); return tag; }",
};
/** The loop's limit: long, so that "answered before the loop ended" cannot be luck. */
const SPIN_LIMIT_MS = 4000;
const bob = { ...alice, id: "65f000000000000000000002" };

/** A pool with one regular user worker (so two calls of one turn share it) and its runtime. */
async function setUp(options: { workers?: number; maxSurgeWorkers?: number } = {}) {
  const pool = new WorkerPool({ workers: options.workers ?? 1, authWorkers: 0, maxSurgeWorkers: options.maxSurgeWorkers ?? 1 });
  const hits: string[] = [];
  const runtime = new FunctionRuntime({
    app: testApp(sources),
    data: () => undefined,
    timeLimitMs: SPIN_LIMIT_MS,
    pool,
    hostServices: { counter: { hit: (_info, tag) => void hits.push(String(tag)) } },
  });
  await runtime.start();
  const events: string[] = [];
  pool.events.on("hold", () => events.push("hold"));
  pool.events.on("handback", ({ callIds }) => events.push(`handback ${callIds.length}`));
  pool.events.on("release", () => events.push("release"));
  const spin = (user: typeof alice) => runtime.call("spin", [], { user, fromClient: true });
  const count = (user: typeof alice, tag: string, timeLimitMs?: number) =>
    runtime.call("count", [tag], { user, fromClient: true, ...(timeLimitMs ? { timeLimitMs } : {}) });
  // Every regular worker has built the app's VM before anything is timed.
  await Promise.all(Array.from({ length: options.workers ?? 1 }, (_, i) => count(bob, `warm-${i}`)));
  hits.length = 0;
  return { pool, runtime, hits, events, spin, count, close: () => runtime.close().then(() => pool.close()) };
}

/** `event`, or a failure as soon as `loop` settles first (without hand-back, nothing happens until then). */
function beforeLoopEnds<T>(event: Promise<T>, loop: Promise<unknown>): Promise<T> {
  const ended = loop.then(() => Promise.reject(new Error("the loop ended first: nothing was handed back")));
  ended.catch(() => undefined);
  return Promise.race([event, ended]);
}

describe("WorkerPool: a held worker hands back the calls it has not started", () => {
  const closers: (() => Promise<void>)[] = [];
  after(() => Promise.all(closers.map((close) => close())));

  it("another caller's call sent in the same turn as a loop, to the same worker, runs at once on another worker", async () => {
    const env = await setUp();
    closers.push(env.close);
    const surgeReady = once(env.pool.events, "ready");
    const handedBack = once(env.pool.events, "handback");
    // One turn: both calls go to the only regular worker, the loop first.
    const spinning = assert.rejects(env.spin(alice), { code: "ExecutionTimeLimitExceeded" });
    const counted = env.count(bob, "bob-1");
    const [{ threadId: loopThread, callIds }] = await beforeLoopEnds(handedBack, spinning);
    assert.equal(callIds.length, 1);
    const [{ threadId: surgeThread }] = await beforeLoopEnds(surgeReady, spinning);
    assert.notEqual(surgeThread, loopThread);
    assert.equal(await beforeLoopEnds(counted, spinning), "bob-1");
    // Answered while the loop still held its worker: it ran on the surge worker, once.
    assert.deepEqual(env.events, ["hold", "handback 1"]);
    assert.deepEqual(env.hits, ["bob-1"]);
    assert.equal(env.pool.stats().user.held, 1);
    await spinning;
    assert.deepEqual(env.events, ["hold", "handback 1", "release"]);
    assert.deepEqual(env.hits, ["bob-1"]);
    assert.deepEqual((await env.pool.probe()).sort(), [loopThread, surgeThread].sort());
  });

  it("the looping caller's own call waits for a regular worker (not a surge one) with its full limit; others still get the surge worker", async () => {
    const env = await setUp();
    closers.push(env.close);
    const handedBack = once(env.pool.events, "handback");
    const spinning = assert.rejects(env.spin(alice), { code: "ExecutionTimeLimitExceeded" }).then(() => env.events.push("loop ended"));
    // Its limit is far shorter than the loop's: waiting must not count against it.
    const own = env.count(alice, "alice-1", 1000).then((tag) => (env.events.push("alice answered"), tag));
    await beforeLoopEnds(handedBack, spinning);
    assert.deepEqual(env.pool.stats().user, { workers: 1, held: 1, surge: 0, running: 1, waiting: 1 });
    // Another user's call made now starts a surge worker and is answered while the loop runs.
    assert.equal(await env.count(bob, "bob-1"), "bob-1");
    env.events.push("bob answered");
    assert.equal(env.pool.stats().user.surge, 1);
    assert.equal(await own, "alice-1");
    await spinning;
    assert.deepEqual(env.events.slice(0, 3), ["hold", "handback 1", "bob answered"]);
    // It started only once the loop had let go of the regular worker.
    const released = env.events.indexOf("release");
    assert.ok(released > 0 && released < env.events.indexOf("alice answered"), env.events.join(", "));
    assert.deepEqual(env.hits.sort(), ["alice-1", "bob-1"]);
  });

  it("with two workers, calls of one turn fill the first; the one behind a loop moves to the second, no surge needed", async () => {
    const env = await setUp({ workers: 2 });
    closers.push(env.close);
    const handedBack = once(env.pool.events, "handback");
    const spinning = assert.rejects(env.spin(alice), { code: "ExecutionTimeLimitExceeded" });
    const counted = env.count(bob, "bob-1");
    const [{ threadId: loopThread }] = await beforeLoopEnds(handedBack, spinning);
    assert.equal(await beforeLoopEnds(counted, spinning), "bob-1");
    assert.deepEqual(env.pool.stats().user, { workers: 2, held: 1, surge: 0, running: 1, waiting: 0 });
    await spinning;
    assert.deepEqual(env.hits, ["bob-1"]);
    assert.ok((await env.pool.probe()).includes(loopThread));
  });
});
