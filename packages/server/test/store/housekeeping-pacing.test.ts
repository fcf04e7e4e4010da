import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { TestClock } from "../../src/index.js";
import { DEFAULT_HOUSEKEEPING_PAUSE_RATIO, resolveServerConfig } from "../../src/server-config.js";
import { Pacing, realPacingTimer, type PacingTimer } from "../../src/store/housekeeping-pacing.js";
import { Housekeeping, housekeepingSettings } from "../../src/store/housekeeping.js";
import { Store } from "../../src/store/store.js";
import { storeEngines, withStore } from "../helpers/store-engines.js";
import { requirement } from "../../../../test/support/requirements.mjs";
import { insertEndedSessions } from "../helpers/ended-sessions.js";

const DAY = 24 * 3600 * 1000;

/** A timer whose time moves only when a test's step or a wait moves it; it records every wait. */
class VirtualTimer implements PacingTimer {
  time = 0;
  waits: number[] = [];
  now(): number {
    return this.time;
  }
  wait(ms: number): Promise<void> {
    this.waits.push(ms);
    this.time += ms;
    return Promise.resolve();
  }
}

describe("housekeeping pacing: the duty cycle", () => {
  it("waits ratio × the previous batch's duration before each batch but the first", async () => {
    const timer = new VirtualTimer();
    const pacing = new Pacing(2, timer, new AbortController().signal);
    const batch = (ms: number) => () => {
      timer.time += ms;
      return Promise.resolve(ms);
    };
    assert.equal(await pacing.batch(batch(40)), 40);
    assert.deepEqual(timer.waits, [], "the first batch starts at once");
    await pacing.batch(batch(10));
    await pacing.batch(batch(25));
    assert.deepEqual(timer.waits, [80, 20]);
    assert.equal(pacing.batchMs, 75);
    assert.equal(pacing.pausedMs, 100);
    await pacing.batch(batch(0));
    assert.deepEqual(timer.waits, [80, 20, 50], "the last batch's pause is paid before the next one");
    // Over the pass so far the batches held 75 of 225 ms: 1 / (1 + ratio).
    assert.equal(pacing.batchMs / (pacing.batchMs + pacing.pausedMs), 1 / 3);
  });

  it("a ratio of 0 never waits", async () => {
    const timer = new VirtualTimer();
    const pacing = new Pacing(0, timer, new AbortController().signal);
    for (let i = 0; i < 5; i++) await pacing.batch(() => Promise.resolve((timer.time += 30)));
    assert.deepEqual(timer.waits, []);
    assert.equal(pacing.pausedMs, 0);
  });

  it("an abort during the pause runs no further batch", async () => {
    const stop = new AbortController();
    let paused!: () => void;
    const pausing = new Promise<void>((resolve) => (paused = resolve));
    const timer: PacingTimer = {
      now: realPacingTimer.now,
      wait: (_ms, signal) => {
        paused();
        return new Promise((resolve) => signal.addEventListener("abort", () => resolve()));
      },
    };
    const pacing = new Pacing(1, timer, stop.signal);
    let ran = 0;
    const step = async () => {
      ran++;
      await new Promise((resolve) => setImmediate(resolve));
      return ran;
    };
    await pacing.batch(step);
    const second = pacing.batch(step);
    await pausing;
    stop.abort();
    assert.equal(await second, undefined);
    assert.equal(ran, 1);
  });
});

describe("housekeeping.pauseRatio in the server config", () => {
  it("defaults, accepts 0 to 100, refuses the rest, and reaches the settings", () => {
    assert.equal(resolveServerConfig({}).housekeeping.pauseRatio, DEFAULT_HOUSEKEEPING_PAUSE_RATIO);
    assert.equal(housekeepingSettings(resolveServerConfig({ housekeeping: { pauseRatio: 2.5 } })).pauseRatio, 2.5);
    assert.equal(resolveServerConfig({ housekeeping: { pauseRatio: 0 } }).housekeeping.pauseRatio, 0);
    for (const pauseRatio of [-1, 101, Number.NaN, "1" as unknown as number]) {
      assert.throws(() => resolveServerConfig({ housekeeping: { pauseRatio } }), /housekeeping\.pauseRatio must be a number from 0 to 100/);
    }
  });
});

/** Paced passes over real rows, on both engines. */
const engines = storeEngines("gatehouse-pacing-", requirement("postgres"));

for (const engine of engines) {
  describe(`housekeeping pacing: ${engine.name}`, { skip: engine.skip }, () => {
    let store: Store;
    const clock = new TestClock();
    withStore(engine, (opened) => {
      store = opened;
    });

    /** `count` sessions of `prefix` that ended a day ago. */
    const endedSessions = (prefix: string, count: number) => insertEndedSessions(store, "pacing-app", prefix, count, clock.now());
    const settings = (pauseRatio: number) => ({
      rateLimitWindowMs: 60_000,
      anonymousUserInactiveMs: 90 * DAY,
      auditEventMs: 90 * DAY,
      batchSize: 100,
      pauseRatio,
    });

    it("pauses before every batch but the first, in proportion to the batches' own time", async () => {
      const left = await endedSessions("paced", 250);
      const waits: number[] = [];
      // Real time for the batches; the pauses are recorded and skipped.
      const timer: PacingTimer = {
        now: realPacingTimer.now,
        wait: (ms) => {
          waits.push(ms);
          return new Promise((resolve) => setImmediate(resolve));
        },
      };
      const result = await new Housekeeping(store, clock, settings(3), timer).run();
      assert.equal(result.sessions, 250);
      assert.equal(await left(), 0);
      // 100 + 100 + 50 sessions, then one batch each for tokens, counters, anonymous users, audit events.
      assert.equal(result.batches, 7);
      assert.equal(waits.length, result.batches - 1, "one pause between each two batches, also between kinds of rows");
      assert.ok(
        waits.every((ms) => ms > 0),
        `every batch took time, so every pause is longer than 0: ${waits.join(", ")}`,
      );
      const waited = waits.reduce((a, b) => a + b, 0);
      // 3× every batch's time but the last one's (its pause would come before a next batch).
      assert.ok(waited > 0 && waited <= 3 * result.batchMs + 1e-6, `waited ${waited} ms for ${result.batchMs} ms of batches`);
    });

    it("pauseRatio 0 deletes flat out, without pauses", async () => {
      const left = await endedSessions("flat", 250);
      const waits: number[] = [];
      const timer: PacingTimer = { now: realPacingTimer.now, wait: (ms) => (waits.push(ms), Promise.resolve()) };
      const result = await new Housekeeping(store, clock, settings(0), timer).run();
      assert.equal(result.sessions, 250);
      assert.equal(await left(), 0);
      assert.deepEqual(waits, []);
      assert.equal(result.pausedMs, 0);
    });

    it("stop() during a pause ends the pass at once: the real timer's wait is cut short", { timeout: 60_000 }, async () => {
      const left = await endedSessions("stopped", 1_000);
      let pausing!: (ms: number) => void;
      const paused = new Promise<number>((resolve) => (pausing = resolve));
      const timer: PacingTimer = {
        now: realPacingTimer.now,
        wait: (ms, signal) => {
          pausing(ms);
          return realPacingTimer.wait(ms, signal);
        },
      };
      // A batch of 100 deletes takes well over 60 µs: the pause would last far longer than the test's
      // timeout, so the pass ends only if stop() cuts the real wait short.
      const housekeeping = new Housekeeping(store, clock, settings(1e6), timer);
      const pass = housekeeping.run();
      const ms = await paused;
      assert.ok(ms > 60_000, `the pause asked for: ${ms} ms`);
      housekeeping.stop();
      const stopped = await pass;
      assert.equal(stopped.sessions, 100, JSON.stringify(stopped));
      assert.equal(stopped.batches, 1, "no batch after the pause");
      assert.equal(await left(), 900);
      const next = await new Housekeeping(store, clock, settings(0)).run();
      assert.equal(next.sessions, 900, "the next pass deletes the rest");
      assert.equal(await left(), 0);
    });
  });
}
