/**
 * Cold start and memory per app of the function runtime: loads `apps` apps (one trivial function
 * each) into one shared pool, measuring the first call of each (cold: the app's sandbox is built
 * for it) and the process RSS the apps add. Not part of `npm test`.
 *
 *   node --import tsx packages/server/test/functions/footprint.bench.ts [apps] [workers]
 */
import { FunctionRuntime, WorkerPool } from "../../src/functions/index.js";
import { testApp } from "./helpers.js";

const apps = Number(process.argv[2] ?? 20);
const workers = Number(process.argv[3] ?? 1);
const pool = new WorkerPool({ workers });
const opts = { user: null, fromClient: false };
const rss = () => process.memoryUsage().rss;

// The pool's workers boot with one app first, so the per-app figures exclude the threads themselves.
const warm = new FunctionRuntime({ app: testApp({ f: "exports = () => 0" }, {}, { clientAppId: "warm" }), data: () => undefined, pool });
await warm.start();
await Promise.all(Array.from({ length: workers * 4 }, () => warm.call("f", [], opts)));
const before = rss();
const colds: number[] = [];
const runtimes: FunctionRuntime[] = [];
for (let i = 0; i < apps; i++) {
  const runtime = new FunctionRuntime({
    app: testApp({ f: `exports = () => ${i}` }, {}, { clientAppId: `app-${i}` }),
    data: () => undefined,
    pool,
  });
  const started = performance.now();
  await runtime.start();
  await Promise.all(Array.from({ length: workers }, () => runtime.call("f", [], opts)));
  colds.push(performance.now() - started);
  runtimes.push(runtime);
}
const after = rss();
colds.sort((a, b) => a - b);
console.log(
  `${apps} apps, ${workers} worker(s): cold start (start + first call in every worker) median ${colds[colds.length >> 1]!.toFixed(1)} ms, ` +
    `p90 ${colds[Math.floor(colds.length * 0.9)]!.toFixed(1)} ms; RSS +${((after - before) / apps / 1e6).toFixed(1)} MB per app ` +
    `(${(before / 1e6).toFixed(0)} -> ${(after / 1e6).toFixed(0)} MB)`,
);
for (const runtime of runtimes) await runtime.close();
await warm.close();
await pool.close();
