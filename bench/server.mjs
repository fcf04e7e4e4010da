// Child process of bench/run.mjs: starts a Gatehouse server on a free port and reports its URL over IPC
// (falling back to stdout). Answers {type:"rss"} with its resident set size and
// {type:"cpu"} with process.cpuUsage() (all threads); exits on {type:"stop"} or
// when the parent goes away.
// Like `gatehouse serve`, it applies the server's V8 heap setting to itself first (see below).
// Usage: node bench/server.mjs <sqlite file | postgres://...> [apps] [workers]. With workers > 1 it is the
// `--workers` supervisor (node:cluster) and reports CPU and memory summed over itself and every worker.
// BENCH_SERVER_ENTRY points at another build's index.js (an A/B experiment); default: this repo's dist.
import cluster from "node:cluster";
import { readFileSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { serveParent } from "./child.mjs";

const dist = process.env.BENCH_SERVER_ENTRY
  ? pathToFileURL(process.env.BENCH_SERVER_ENTRY).href
  : new URL("../packages/server/dist/index.js", import.meta.url).href;

const target = process.argv[2];
// The apps to serve (comma-separated); the memory figure is taken on the example app alone.
const apps = (process.argv[3] ?? "examples/todo").split(",");
const workers = Number(process.argv[4] ?? 1);
if (!target) {
  console.error("usage: node bench/server.mjs <sqlite file | postgres://...> [apps] [workers]");
  process.exit(2);
}
const db = /^postgres(ql)?:\/\//.test(target) ? target : `sqlite:${target}`;
// The V8 heap setting `gatehouse serve` applies to its own process (src/heap-tuning.ts): the bench serves
// as the product does. A build from before it (BENCH_SERVER_ENTRY, A/B) has no such module and runs untuned,
// as that build's CLI did.
const tuning = await import(new URL("./heap-tuning.js", dist).href).catch((error) => {
  if (error?.code !== "ERR_MODULE_NOT_FOUND") throw error;
});
const heapGrowingPercent = tuning?.tuneHeapForServing();
// BENCH_METRICS=off: the same server without metrics (what the per-request metrics cost, A/B).
const config = { rateLimits: { enabled: false }, ...(process.env.BENCH_METRICS === "off" ? { metrics: { enabled: false } } : {}) };
const options = { apps, db, port: 0, host: "127.0.0.1", logLevel: "warn", config };

if (workers <= 1) {
  const { startServer } = await import(dist);
  const server = await startServer(options);
  serveParent(server.url, () => server.close(), undefined, { heapGrowingPercent });
} else if (cluster.isWorker) {
  const { runClusterWorker } = await import(new URL("./cluster/worker.js", dist).href);
  await runClusterWorker(options);
} else {
  const { superviseWorkers } = await import(new URL("./cluster/supervisor.js", dist).href);
  const { resolveServerConfig } = await import(dist);
  const supervisor = await superviseWorkers({ workers, db, config: resolveServerConfig(config), log: () => {} });
  const pids = () => [process.pid, ...Object.values(cluster.workers ?? {}).map((w) => w.process.pid)];
  serveParent(supervisor.url, () => supervisor.close(), {
    // Every process of the server: what one worker costs is not the question with several.
    cpu: () => pids().reduce((sum, pid) => sum + procCpuMicros(pid), 0),
    rss: () => pids().reduce((sum, pid) => sum + procRssBytes(pid), 0),
  });
}

// Linux /proc: utime + stime in clock ticks (USER_HZ, 100 on Linux) → µs; VmRSS in kB.
function procCpuMicros(pid) {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
    return (Number(fields[11]) + Number(fields[12])) * 10_000;
  } catch {
    return 0;
  }
}
function procRssBytes(pid) {
  try {
    return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))[1]) * 1024;
  } catch {
    return 0;
  }
}
