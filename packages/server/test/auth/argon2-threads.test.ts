/**
 * argon2id on its own threads (auth/argon2-threads.ts): the same hashes as `@node-rs/argon2` on the
 * event loop's side, errors reported per job, at most one job computing per thread, and (Linux) the
 * threads scheduled below the event loop.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { fileURLToPath, pathToFileURL } from "node:url";
import { hash as hashDirect, verify as verifyDirect } from "@node-rs/argon2";
import { ARGON2_NICENESS, Argon2Threads } from "../../src/auth/argon2-threads.js";

const options = { algorithm: 2, memoryCost: 19_456, timeCost: 2, parallelism: 1, outputLen: 32 };

/** Niceness of one thread of this process (field 19 of /proc/self/task/<tid>/stat). */
function niceness(tid: string | number): number {
  const stat = readFileSync(`/proc/self/task/${tid}/stat`, "utf8");
  return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[16]);
}

describe("argon2 threads", () => {
  it("hash and verify agree with @node-rs/argon2 called directly", async () => {
    const threads = new Argon2Threads(2);
    const made = await threads.hash("correct horse", options);
    assert.match(made, /^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    assert.equal(await verifyDirect(made, "correct horse"), true);
    const direct = await hashDirect("battery staple", options);
    assert.equal(await threads.verify(direct, "battery staple"), true);
    assert.equal(await threads.verify(direct, "battery stapler"), false);
  });

  it("a malformed hash fails its own job only", async () => {
    const threads = new Argon2Threads(1);
    const good = await threads.hash("pw", options);
    const [bad, ok] = await Promise.allSettled([threads.verify("not a phc string", "pw"), threads.verify(good, "pw")]);
    assert.equal(bad.status, "rejected");
    assert.deepEqual(ok, { status: "fulfilled", value: true });
  });

  it("computes at most one job per thread, runs every job, and reports the queue", async () => {
    const threads = new Argon2Threads(2);
    const jobs = Array.from({ length: 7 }, (_, i) => threads.hash(`pw-${i}`, options));
    const load = threads.load();
    assert.equal(load.running, 2);
    assert.equal(load.running + load.waiting, 7);
    const hashes = await Promise.all(jobs);
    assert.equal(new Set(hashes).size, 7);
    for (let i = 0; i < 7; i++) assert.equal(await verifyDirect(hashes[i]!, `pw-${i}`), true);
    assert.deepEqual(threads.load(), { running: 0, waiting: 0 });
  });

  it("runs below the event loop's priority", { skip: existsSync("/proc/thread-self") ? false : "needs Linux /proc" }, async () => {
    const main = niceness(process.pid);
    const lowered = Math.min(19, main + ARGON2_NICENESS);
    assert.ok(lowered > main, "a test process already at the lowest priority cannot tell");
    const count = () => readdirSync("/proc/self/task").filter((tid) => niceness(tid) === lowered).length;
    const before = count();
    const threads = new Argon2Threads(2);
    await Promise.all([threads.hash("a", options), threads.hash("b", options)]);
    // The event loop's thread keeps the process's priority; the two new argon2 threads are lowered.
    assert.equal(niceness(process.pid), main);
    assert.equal(count() - before, 2);
  });

  it("starts every thread with the first job", { skip: existsSync("/proc/self/task") ? false : "needs Linux /proc" }, async () => {
    const tasks = () => readdirSync("/proc/self/task").length;
    const before = tasks();
    const threads = new Argon2Threads(2);
    // One job, and the second thread is started too, so that its start-up memory is not added later to
    // the first burst of concurrent jobs, each holding 19 MiB. A worker's thread exists once `new Worker` returns.
    const first = threads.hash("a", options);
    assert.equal(tasks() - before, 2);
    await first;
    await Promise.all([threads.hash("b", options), threads.hash("c", options)]);
    assert.equal(tasks() - before, 2, "no thread beyond the pool's size");
  });

  it("a process whose jobs are done exits by itself, the thread that never had a job included", { timeout: 60_000 }, async () => {
    const source = pathToFileURL(fileURLToPath(new URL("../../src/auth/argon2-threads.ts", import.meta.url))).href;
    const dir = await mkdtemp(join(tmpdir(), "gatehouse-argon2-"));
    after(() => rm(dir, { recursive: true, force: true }));
    const script = join(dir, "one-hash.mts");
    await writeFile(
      script,
      `import { Argon2Threads } from ${JSON.stringify(source)};
      const threads = new Argon2Threads(2);
      console.log((await threads.hash("pw", ${JSON.stringify(options)})).slice(0, 9));`,
    );
    const child = spawn(process.execPath, ["--import", "tsx", script], { stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (chunk) => (output += chunk));
    child.stderr.on("data", (chunk) => (output += chunk));
    // Exits once the hash is printed; held open by an idle thread, it would run into the test's timeout.
    const code = await new Promise<number | null>((resolve) => child.on("exit", resolve));
    assert.equal(code, 0, output);
    assert.equal(output.trim(), "$argon2id");
  });
});
