// Child process of bench/run.mjs: starts a Gatehouse server on a free port and reports its URL over IPC
// (falling back to stdout). Answers {type:"rss"} with its resident set size and
// {type:"cpu"} with process.cpuUsage() (all threads); exits on {type:"stop"} or
// when the parent goes away.
// BENCH_SERVER_ENTRY points at another build's index.js (an A/B experiment); default: this repo's dist.
import { pathToFileURL } from "node:url";
import { serveParent } from "./child.mjs";

const entry = process.env.BENCH_SERVER_ENTRY
  ? pathToFileURL(process.env.BENCH_SERVER_ENTRY).href
  : new URL("../packages/server/dist/index.js", import.meta.url).href;
const { startServer } = await import(entry);

const dbPath = process.argv[2];
// The apps to serve (comma-separated); the memory figure is taken on the example app alone.
const apps = (process.argv[3] ?? "examples/todo").split(",");
if (!dbPath) {
  console.error("usage: node bench/server.mjs <sqlite file>");
  process.exit(2);
}

const server = await startServer({
  apps,
  db: `sqlite:${dbPath}`,
  port: 0,
  logLevel: "warn",
  config: { rateLimits: { enabled: false } },
});

serveParent(server.url, () => server.close());
