// Child process of bench/run.mjs: the raw argon2id ceiling of the sign-up and login rows. It runs apart from the
// load generator so that its libuv pool can be the size the server's is (run.mjs starts it with the server's
// environment): a pool of four threads on two cores hashes 10-12 % slower than one of two, so measuring the
// ceiling on the bench's own default pool made the server's rows look better than they are.
// Answers {type:"rate", op:"hash"|"verify", seconds, concurrency} with {type:"rate", rate, cpuPerOp}:
// completions per second and this process's CPU time (its pool threads included) per completion. Readiness and
// stopping are bench/child.mjs's, as for the other children.
import { createRequire } from "node:module";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { serveParent } from "./child.mjs";

const root = join(fileURLToPath(import.meta.url), "..", "..");
const argon2 = await import(createRequire(join(root, "packages/server/package.json")).resolve("@node-rs/argon2"));
const [password, params] = [process.argv[2], JSON.parse(process.argv[3])];
const storedHash = await argon2.hash(password, params);
const ops = { hash: () => argon2.hash(password, params), verify: () => argon2.verify(storedHash, password) };

async function rate(op, seconds, concurrency) {
  const deadline = performance.now() + seconds * 1000;
  const start = performance.now();
  const cpuBefore = process.cpuUsage();
  let done = 0;
  const lane = async () => {
    while (performance.now() < deadline) {
      await ops[op]();
      done++;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, lane));
  const cpu = process.cpuUsage(cpuBefore);
  return { rate: done / ((performance.now() - start) / 1000), cpuPerOp: (cpu.user + cpu.system) / done };
}

process.on("message", (message) => {
  if (message?.type === "rate") {
    void rate(message.op, message.seconds, message.concurrency).then((result) => process.send({ type: "rate", ...result }));
  }
});
serveParent(undefined, async () => {});
