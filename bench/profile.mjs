// `node bench/profile.mjs [profile|refresh|anon|userpass|functions] [seconds]`: runs one hot path against a Gatehouse
// started with --cpu-prof and prints where the server's CPU time went (self time by function and by
// package). The raw .cpuprofile is kept (path printed) for Chrome DevTools.
import autocannon from "autocannon";
import { fork } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { mkdtemp, readdir, readFile } from "node:fs/promises";
import os from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const which = process.argv[2] ?? "profile";
const seconds = Number(process.argv[3] ?? 8);
const APP_ID = "todo-gatehouse";

const tmp = await mkdtemp(join(os.tmpdir(), "gatehouse-prof-"));
const child = fork(join(root, "bench/server.mjs"), [join(tmp, "bench.db"), "examples/todo,bench/app"], {
  cwd: root,
  execArgv: ["--cpu-prof", `--cpu-prof-dir=${tmp}`],
  // libuv's pool sized as the bin entry sizes it (packages/server/bin/gatehouse.cjs; bench/run.mjs, SERVER_ENV).
  env: { ...process.env, UV_THREADPOOL_SIZE: process.env.UV_THREADPOOL_SIZE ?? String(os.availableParallelism()) },
  stdio: ["ignore", "inherit", "ignore", "ipc"],
});
const url = await new Promise((resolve) => child.on("message", (m) => m.type === "ready" && resolve(m.url)));
const v2 = `${url}/api/client/v2.0`;

async function post(path, body, token) {
  const res = await fetch(`${v2}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${path}: ${res.status} ${text}`);
  return text ? JSON.parse(text) : undefined;
}
const credentials = { username: "bench-user@example.com", password: "bench-password-1" };
await post(`/app/${APP_ID}/auth/providers/local-userpass/register`, { email: credentials.username, password: credentials.password });
const session = await post(`/app/${APP_ID}/auth/providers/local-userpass/login`, credentials);
const json = { "content-type": "application/json" };
const fnUser = await post(`/app/bench-functions/auth/providers/anon-user/login`, {});
const requests = {
  functions: {
    url: `${v2}/app/bench-functions/functions/call`,
    method: "POST",
    headers: { authorization: `Bearer ${fnUser.access_token}`, ...json },
    body: JSON.stringify({ name: "sum", arguments: [{ $numberInt: "1" }, { $numberInt: "2" }] }),
  },
  profile: { url: `${v2}/auth/profile`, headers: { authorization: `Bearer ${session.access_token}` } },
  refresh: { url: `${v2}/auth/session`, method: "POST", headers: { authorization: `Bearer ${session.refresh_token}`, ...json } },
  anon: {
    url: `${v2}/app/${APP_ID}/auth/providers/anon-user/login`,
    method: "POST",
    headers: json,
    body: JSON.stringify({ options: { device: { platform: "bench" } } }),
  },
  userpass: {
    url: `${v2}/app/${APP_ID}/auth/providers/local-userpass/login`,
    method: "POST",
    headers: json,
    body: JSON.stringify(credentials),
  },
};
if (!requests[which]) throw new Error(`unknown path ${which}; one of ${Object.keys(requests).join(", ")}`);
const cpu = () =>
  new Promise((resolve) => {
    child.once("message", (m) => m.type === "cpu" && resolve(m.user + m.system));
    child.send({ type: "cpu" });
  });
// Each thread's CPU (Linux /proc; elsewhere nothing is printed): what the event loop, the argon2 and
// function workers and V8's helper threads each spend per request, which the process total hides.
function threadTimes() {
  const times = new Map();
  const dir = `/proc/${child.pid}/task`;
  if (!existsSync(dir)) return times;
  for (const tid of readdirSync(dir)) {
    try {
      const fields = readFileSync(`${dir}/${tid}/stat`, "utf8").split(") ")[1].split(" ");
      times.set(tid, (Number(fields[11]) + Number(fields[12])) * (1e6 / 100)); // clock ticks (USER_HZ 100) → µs
    } catch {
      // the thread ended between the listing and the read
    }
  }
  return times;
}
const cpuBefore = await cpu();
const threadsBefore = threadTimes();
const result = await autocannon({ ...requests[which], connections: 20, duration: seconds });
const threadsAfter = threadTimes();
const cpuPerRequest = (await cpu()) - cpuBefore;
console.log(
  `${which}: ${Math.round(result["2xx"] / result.duration)} req/s, non-2xx ${result.non2xx}, errors ${result.errors}, ` +
    `server CPU ${Math.round(cpuPerRequest / Math.max(1, result["2xx"] + result.non2xx))} µs/req (with the profiler's overhead)`,
);

const answered = Math.max(1, result["2xx"] + result.non2xx);
const perThread = [...threadsAfter]
  .map(([tid, after]) => [tid, (after - (threadsBefore.get(tid) ?? 0)) / answered])
  .filter(([, us]) => us >= 1)
  .sort((a, b) => b[1] - a[1]);
if (perThread.length > 0)
  console.log(
    `CPU by thread, µs/req: ${perThread.map(([tid, us]) => `${tid === String(child.pid) ? "event loop" : `thread ${tid}`} ${us.toFixed(0)}`).join(", ")}`,
  );

await new Promise((resolve) => {
  child.once("exit", resolve);
  child.send({ type: "stop" });
});
// One profile per thread (CPU.<date>.<time>.<pid>.<thread id>.<n>.cpuprofile); the event loop's is thread 0.
const files = (await readdir(tmp)).filter((f) => f.endsWith(".cpuprofile"));
const file = files.find((f) => f.split(".").at(-3) === "0") ?? files[0];
const profile = JSON.parse(await readFile(join(tmp, file), "utf8"));

// Self time per node = its share of samples (timeDeltas follow samples one to one).
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const self = new Map();
for (let i = 0; i < profile.samples.length; i++)
  self.set(profile.samples[i], (self.get(profile.samples[i]) ?? 0) + (profile.timeDeltas[i] ?? 0));
const total = [...self.values()].reduce((a, b) => a + b, 0);
const pkgOf = (u) => {
  if (!u) return "(native/vm)";
  const m = u.match(/node_modules\/((?:@[^/]+\/)?[^/]+)/);
  if (m) return m[1];
  if (u.includes("/packages/server/dist/")) return `gatehouse:${u.split("/packages/server/dist/")[1]}`;
  if (u.startsWith("node:")) return u;
  return u.replace(/^file:\/\//, "");
};
const fnTotals = new Map();
const pkgTotals = new Map();
for (const [id, t] of self) {
  const n = byId.get(id);
  const cf = n.callFrame;
  const key = `${cf.functionName || "(anonymous)"} ${pkgOf(cf.url)}:${cf.lineNumber + 1}`;
  fnTotals.set(key, (fnTotals.get(key) ?? 0) + t);
  const pkg = cf.url ? pkgOf(cf.url).split(":")[0] : cf.functionName.startsWith("(") ? cf.functionName : "(native/vm)";
  pkgTotals.set(pkg, (pkgTotals.get(pkg) ?? 0) + t);
}
const top = (m, n) =>
  [...m.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([k, v]) => `${((100 * v) / total).toFixed(1).padStart(5)}%  ${k}`)
    .join("\n");
console.log(`\nself time by package (${(total / 1e6).toFixed(1)} s sampled):\n${top(pkgTotals, 20)}`);
console.log(`\nself time by function:\n${top(fnTotals, 40)}`);
console.log(`\nprofile: ${join(tmp, file)}`);
