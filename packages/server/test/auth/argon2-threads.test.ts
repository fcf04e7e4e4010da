/**
 * argon2id on libuv's pool (auth/argon2-threads.ts): the same hashes as `@node-rs/argon2` called directly,
 * errors reported per job, at most one job computing per lane, no thread of its own, (Linux) the pool's
 * threads scheduled below the event loop, and the bin entry's pool size.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { mkdtemp, readlink, rm, writeFile } from "node:fs/promises";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { fileURLToPath, pathToFileURL } from "node:url";
import { hash as hashDirect, verify as verifyDirect } from "@node-rs/argon2";
import { ARGON2_NICENESS, Argon2Threads, threadPoolSize } from "../../src/auth/argon2-threads.js";

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

  it("computes at most one job per lane, runs every job, and reports the queue", async () => {
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

  it(
    "runs libuv's pool below the event loop's priority",
    { skip: existsSync("/proc/thread-self") ? false : "needs Linux /proc" },
    async () => {
      const main = niceness(process.pid);
      const lowered = Math.min(19, main + ARGON2_NICENESS);
      assert.ok(lowered > main, "a test process already at the lowest priority cannot tell");
      const threads = new Argon2Threads(2);
      await Promise.all([threads.hash("a", options), threads.hash("b", options)]);
      // Every pool thread a readlink reaches (it runs on one) is lowered; the event loop's thread is not.
      const reached = new Set<number>();
      for (let round = 0; round < 16; round++) {
        const links = await Promise.all(Array.from({ length: threadPoolSize() }, () => readlink("/proc/thread-self")));
        for (const link of links) reached.add(Number(link.slice(link.lastIndexOf("/") + 1)));
      }
      assert.ok(reached.size >= 2, `reached ${reached.size} pool threads`);
      for (const tid of reached) assert.equal(niceness(tid), lowered, `pool thread ${tid}`);
      assert.equal(niceness(process.pid), main);
    },
  );

  it("starts no thread of its own", { skip: existsSync("/proc/self/task") ? false : "needs Linux /proc" }, async () => {
    await readlink("/proc/self"); // libuv's pool is up
    const tasks = () => readdirSync("/proc/self/task").length;
    const before = tasks();
    const threads = new Argon2Threads(2);
    await Promise.all([threads.hash("b", options), threads.hash("c", options), threads.verify(await threads.hash("d", options), "d")]);
    assert.equal(tasks(), before);
  });

  it("reads the pool's size as libuv does", () => {
    assert.equal(threadPoolSize({}), 4);
    assert.equal(threadPoolSize({ UV_THREADPOOL_SIZE: "2" }), 2);
    assert.equal(threadPoolSize({ UV_THREADPOOL_SIZE: "0" }), 1);
    assert.equal(threadPoolSize({ UV_THREADPOOL_SIZE: "lots" }), 1);
    assert.equal(threadPoolSize({ UV_THREADPOOL_SIZE: "5000" }), 1024);
  });

  it("the bin entry sizes the pool to the cores, unless the operator chose a size", async () => {
    const bin = fileURLToPath(new URL("../../bin/gatehouse.cjs", import.meta.url));
    const dir = await mkdtemp(join(tmpdir(), "gatehouse-pool-"));
    after(() => rm(dir, { recursive: true, force: true }));
    // Preloaded before the bin: at exit, the size in force and the pool's threads (the ones a readlink reaches).
    const probe = join(dir, "probe.cjs");
    await writeFile(
      probe,
      `process.on("exit", () => console.log(JSON.stringify({ size: process.env.UV_THREADPOOL_SIZE, threads: require("node:fs").readdirSync("/proc/self/task").length })));`,
    );
    const run = async (env: NodeJS.ProcessEnv) => {
      const child = spawn(process.execPath, ["-r", probe, bin, "--version"], {
        env: { ...process.env, ...env },
        stdio: ["ignore", "pipe", "pipe"],
      });
      let output = "";
      child.stdout.on("data", (chunk) => (output += chunk));
      child.stderr.on("data", (chunk) => (output += chunk));
      assert.equal(await new Promise((resolve) => child.on("exit", resolve)), 0, output);
      return JSON.parse(output.trim().split("\n").at(-1)!) as { size: string; threads: number };
    };
    const sized = await run({ UV_THREADPOOL_SIZE: undefined });
    assert.equal(sized.size, String(availableParallelism()));
    const chosen = await run({ UV_THREADPOOL_SIZE: "3" });
    assert.equal(chosen.size, "3");
    // The size took: the pool started after the bin set it, so one more chosen thread is one more thread.
    assert.equal(chosen.threads - sized.threads, 3 - availableParallelism());
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
