/**
 * Calls/s of a trivial function through `FunctionRuntime.invoke`, with a fixed number of calls in
 * flight (no HTTP). Not part of `npm test`.
 *
 *   node --import tsx packages/server/test/functions/throughput.bench.ts [seconds] [inFlight] [workers]
 */
import { existsSync, readFileSync } from "node:fs";
import { performance } from "node:perf_hooks";
import { Int32 } from "bson";
import { FunctionRuntime } from "../../src/functions/index.js";
import { alice, testApp } from "./helpers.js";

const seconds = Number(process.argv[2] ?? 5);
const inFlight = Number(process.argv[3] ?? 32);
const workers = Number(process.argv[4] ?? 2);

const runtime = new FunctionRuntime({
  app: testApp({ sum: "exports = function (a, b) { return a + b; }" }),
  data: () => undefined,
  workers,
});
await runtime.start();

const args = [new Int32(1), new Int32(2)];
const options = { user: alice, fromClient: true, request: { remoteIPAddress: "127.0.0.1" } };
// Warm up: workers booted and the function compiled in each.
await Promise.all(Array.from({ length: 200 }, () => runtime.invoke("sum", args, options)));

/** This thread's CPU time in µs (Linux: /proc schedstat, ns precision), or undefined elsewhere. */
const STAT = `/proc/self/task/${process.pid}/schedstat`;
const mainCpu = () => (existsSync(STAT) ? Number(readFileSync(STAT, "utf8").split(" ")[0]) / 1000 : undefined);

let done = 0;
const elu = performance.eventLoopUtilization();
const deadline = Date.now() + seconds * 1000;
const started = process.hrtime.bigint();
const cpuBefore = process.cpuUsage();
const mainBefore = mainCpu();
await Promise.all(
  Array.from({ length: inFlight }, async () => {
    while (Date.now() < deadline) {
      await runtime.invoke("sum", args, options);
      done++;
    }
  }),
);
const elapsed = Number(process.hrtime.bigint() - started) / 1e9;
// All threads of the process (main and workers): the figure to compare between runs on a shared machine.
const cpu = process.cpuUsage(cpuBefore);
const mainAfter = mainCpu();
// How busy the main thread was: the HTTP server shares it, so this is the cost a route would add.
const mainBusy = performance.eventLoopUtilization(elu).utilization;
console.log(
  `${Math.round(done / elapsed)} calls/s (${done} calls in ${elapsed.toFixed(2)} s, ${inFlight} in flight, ${workers} workers); ` +
    `main thread busy ${(mainBusy * 100).toFixed(0)}%, ` +
    `CPU ${((cpu.user + cpu.system) / done).toFixed(1)} µs/call (all threads)` +
    (mainAfter !== undefined && mainBefore !== undefined ? `, main thread ${((mainAfter - mainBefore) / done).toFixed(1)} µs/call` : ""),
);
await runtime.close();
