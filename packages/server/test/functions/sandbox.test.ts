import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FunctionRuntime, WorkerPool, type FunctionLogEntry } from "../../src/functions/index.js";
import { alice, testApp } from "./helpers.js";

describe("FunctionRuntime: app packages, HTTP, stray errors, run_as_user_id, shared pools", () => {
  let dir: string;
  let server: Server;
  let base: string;
  let runtime: FunctionRuntime;
  const seen: { method: string; body: string; auth: string | undefined }[] = [];

  before(async () => {
    // An app directory shipping one npm package in functions/node_modules.
    dir = mkdtempSync(join(tmpdir(), "gatehouse-app-"));
    const pkg = join(dir, "functions", "node_modules", "shout");
    mkdirSync(pkg, { recursive: true });
    writeFileSync(join(pkg, "package.json"), JSON.stringify({ name: "shout", version: "1.0.0", main: "index.js" }));
    writeFileSync(join(pkg, "index.js"), "module.exports = (s) => String(s).toUpperCase() + '!';");

    server = createServer((req, res) => {
      let body = "";
      req.on("data", (c) => (body += c));
      req.on("end", () => {
        seen.push({ method: req.method!, body, auth: req.headers.authorization });
        res.setHeader("content-type", "application/json");
        res.setHeader("x-echo", "1");
        res.end(JSON.stringify({ method: req.method, url: req.url }));
      });
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

    const app = testApp(
      {
        usePackage: "exports = function (s) { return require('shout')(s); }",
        missingPackage: "exports = function () { return require('left-pad'); }",
        httpGet: `exports = async function (url) {
          const res = await context.http.get({ url, headers: { Authorization: ["Bearer t"] } });
          return { status: res.statusCode, json: JSON.parse(res.body.text()), echo: res.headers["X-Echo"] };
        }`,
        httpPost: `exports = async function (host) {
          const res = await context.http.post({ scheme: "http", host, path: "/items", query: { a: "1" }, body: { n: 1 }, encodeBodyAsJSON: true });
          return JSON.parse(res.body.text());
        }`,
        whoRuns: "exports = function () { return context.user.id; }",
      },
      { whoRuns: { runAsUserId: "65f0000000000000000000bb" } },
      { dir },
    );
    runtime = new FunctionRuntime({
      app,
      data: () => undefined,
      timeLimitMs: 5000,
      resolveUser: async (id) => ({ id, type: "normal", data: {}, identities: [] }),
    });
    await runtime.start();
  });

  after(async () => {
    await runtime.close();
    server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const run = (name: string, args: unknown[] = []) => runtime.call(name, args, { user: alice, fromClient: true });

  it("requires npm packages the app ships in functions/node_modules", async () => {
    assert.equal(await run("usePackage", ["hi"]), "HI!");
    await assert.rejects(run("missingPackage"), { message: /Cannot find module 'left-pad'/ });
  });

  it("sends HTTP requests with context.http", async () => {
    const got = (await run("httpGet", [`${base}/x?y=1`])) as Record<string, unknown>;
    assert.equal(Number(got.status), 200);
    assert.deepEqual(got.json, { method: "GET", url: "/x?y=1" });
    assert.deepEqual(got.echo, ["1"]);
    assert.equal(seen[0]?.auth, "Bearer t");
    const host = base.replace("http://", "");
    assert.deepEqual(await run("httpPost", [host]), { method: "POST", url: "/items?a=1" });
    assert.equal(seen[1]?.body, '{"n":1}');
  });

  it("a promise rejection nobody handles fails neither its call nor its worker, and is not logged", async () => {
    // One worker (no auth lane), so the call after the stray rejection runs on the thread that saw it.
    const pool = new WorkerPool({ workers: 1, authWorkers: 0 });
    const replaced: string[] = [];
    pool.events.on("replaced", ({ reason }) => replaced.push(reason));
    const lines: FunctionLogEntry[] = [];
    const sources = {
      strayRejection:
        "exports = function () { Promise.reject(new Error('nobody waits')); (async () => { throw new Error('async too'); })(); return 'fine'; }",
      next: "exports = function () { return 'still here'; }",
    };
    const single = new FunctionRuntime({ app: testApp(sources), data: () => undefined, pool, log: (entry) => lines.push(entry) });
    try {
      await single.start();
      const [thread] = await pool.probe();
      assert.equal(await single.call("strayRejection", [], { user: null, fromClient: false }), "fine");
      assert.equal(await single.call("next", [], { user: null, fromClient: false }), "still here");
      assert.deepEqual(await pool.probe(), [thread], "the same worker thread still answers");
      assert.deepEqual(replaced, []);
      // This QuickJS build has no promise-rejection tracker: such rejections vanish silently
      // (docs/functions.md, "What the sandbox does not do").
      assert.deepEqual(lines, []);
    } finally {
      await single.close();
      await pool.close();
    }
  });

  it("runs run_as_user_id functions as that user", async () => {
    assert.equal(await run("whoRuns"), "65f0000000000000000000bb");
  });

  it("shares one worker pool between apps", async () => {
    const pool = new WorkerPool({ workers: 1 });
    const one = new FunctionRuntime({ app: testApp({ f: "exports = () => 'one'" }), data: () => undefined, pool });
    const two = new FunctionRuntime({ app: testApp({ f: "exports = () => 'two'" }), data: () => undefined, pool });
    try {
      await one.start();
      await two.start();
      const opts = { user: null, fromClient: false };
      assert.deepEqual(await Promise.all([one.call("f", [], opts), two.call("f", [], opts)]), ["one", "two"]);
      await one.close(); // unloads its app only
      assert.equal(await two.call("f", [], opts), "two");
    } finally {
      await pool.close();
    }
  });
});
