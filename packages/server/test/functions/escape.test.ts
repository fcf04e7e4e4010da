/**
 * The escape suite: function code tries every known way out of its sandbox — to the host `process`,
 * Node built-ins, the file system (a database file beside the app), the environment, and another
 * app's data — and every attempt must fail. Each attempt runs inside the VM and reports what it got;
 * the test asserts it got nothing.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FunctionRuntime, WorkerPool } from "../../src/functions/index.js";
import { alice, testApp } from "./helpers.js";

/** Runs each attempt; reports `blocked: <error>` when it threw, else a description of what it returned. */
const harness = `
function run(attempts) {
  const out = {};
  for (const name of Object.keys(attempts)) {
    try {
      const v = attempts[name]();
      out[name] = v === undefined || v === null ? String(v) : typeof v === "object" || typeof v === "function" ? typeof v + ":" + Object.getOwnPropertyNames(v).slice(0, 20).join(",") : String(v);
    } catch (e) {
      out[name] = "blocked: " + (e && e.name) + ": " + (e && e.message);
    }
  }
  return out;
}`;

const SECRET = "gatehouse-signing-key-do-not-leak";

const escapes = `${harness}
exports = function (dbPath) {
  return run({
    constructorChain: () => Buffer.constructor.constructor("return process")(),
    constructorChainThis: () => this.constructor.constructor("return this")().process,
    functionGlobal: () => Function("return globalThis")().process,
    evalProcess: () => eval("process"),
    getBuiltinModule: () => process.getBuiltinModule("child_process"),
    globalGetBuiltin: () => globalThis.process.getBuiltinModule("fs"),
    processBinding: () => process.binding("fs"),
    processKill: () => process.kill(process.pid, "SIGKILL"),
    processEnv: () => process.env,
    requireFs: () => require("fs"),
    requireNodeFs: () => require("node:fs"),
    requireChild: () => require("child_process"),
    requireWorker: () => require("worker_threads"),
    requireVm: () => require("vm"),
    requireModule: () => require("module"),
    requireDbFile: () => require(dbPath),
    requireRelativeDb: () => require("../../gatehouse.db"),
    requireSymlinkedPackage: () => require("leak"),
    requirePackageThatNeedsFs: () => require("needs-fs"),
    moduleConstructorLoad: () => module.constructor._load("child_process"),
    requireCache: () => require.cache,
    bridgedMongoChain: () => context.services.get("mongodb-atlas").db("x").collection("y").findOne.constructor.constructor("return process")(),
    bridgedHttpChain: () => Object.getPrototypeOf(context.http.get).constructor("return process")(),
    bridgedUserProto: () => Object.getPrototypeOf(context.user).constructor.constructor("return process")(),
    bridgedConsole: () => console.log.constructor("return process")(),
    contextGetter: () => Object.getOwnPropertyDescriptor(globalThis, "context").get.constructor("return process")(),
    prepareStackTrace: () => { Error.prepareStackTrace = (_, s) => s; const s = new Error().stack; return typeof s === "string" ? undefined : s[0].getThis(); },
    protoPollutionToHost: () => { Object.prototype.polluted = "yes"; return ({}).constructor.constructor("return process")(); },
    webAssembly: () => WebAssembly.Module,
    hostObjectGlobals: () => Object.getOwnPropertyNames(globalThis).filter((n) => /^(gh|__|process|global$|module$|exports$|fetch$|Deno|Bun)/.test(n)).join(",") || undefined,
    fetchGlobal: () => fetch("http://127.0.0.1/"),
  });
};`;

describe("function sandbox: escapes all fail", () => {
  let dir: string;
  let dbPath: string;
  let pool: WorkerPool;
  let appA: FunctionRuntime;
  let appB: FunctionRuntime;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "gatehouse-escape-"));
    // A database file beside the app, holding a secret, and a package symlinked to it.
    dbPath = join(dir, "gatehouse.db");
    writeFileSync(dbPath, `SQLite format 3\0 ${SECRET}`);
    const outside = join(dir, "outside");
    mkdirSync(outside);
    writeFileSync(join(outside, "index.js"), `module.exports = ${JSON.stringify(SECRET)};`);
    writeFileSync(join(outside, "package.json"), JSON.stringify({ name: "leak", main: "index.js" }));
    const modules = join(dir, "app", "functions", "node_modules");
    mkdirSync(modules, { recursive: true });
    symlinkSync(outside, join(modules, "leak"));
    mkdirSync(join(modules, "needs-fs"));
    writeFileSync(join(modules, "needs-fs", "index.js"), "module.exports = require('fs').readFileSync(process.argv[1]);");
    writeFileSync(join(modules, "needs-fs", "package.json"), JSON.stringify({ name: "needs-fs", main: "index.js" }));

    pool = new WorkerPool({ workers: 2 });
    appA = new FunctionRuntime({
      app: testApp(
        {
          escapes,
          dynamicImport:
            "exports = async function () { const out = []; for (const m of ['node:fs', 'fs', 'child_process', './x.js']) { try { const got = await import(m); out.push('imported ' + m + ': ' + Object.keys(got)); } catch (e) { out.push('blocked'); } } return out; }",
          plant:
            "exports = function () { globalThis.planted = 'from A'; Object.prototype.aPolluted = 'yes'; return context.values.get('aSecret'); }",
        },
        {},
        { dir: join(dir, "app"), clientAppId: "app-a", values: { aSecret: { name: "aSecret", fromSecret: false, value: SECRET } } },
      ),
      data: () => undefined,
      pool,
    });
    appB = new FunctionRuntime({
      app: testApp(
        {
          peek: "exports = function () { return [typeof globalThis.planted, typeof ({}).aPolluted, String(context.values.get('aSecret'))]; }",
          runOther: "exports = function () { return context.functions.execute('plant'); }",
        },
        {},
        { clientAppId: "app-b" },
      ),
      data: () => undefined,
      pool,
    });
    await appA.start();
    await appB.start();
  });

  after(async () => {
    await appA.close();
    await appB.close();
    await pool.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("reaches no process, built-in, file or host object by any known route", async () => {
    const results = (await appA.call("escapes", [dbPath], { user: alice, fromClient: true })) as Record<string, string>;
    assert.ok(Object.keys(results).length >= 30, "every attempt ran");
    for (const [attempt, outcome] of Object.entries(results)) {
      const failed = outcome.startsWith("blocked: ") || outcome === "undefined";
      assert.ok(failed, `${attempt} escaped: ${outcome}`);
      assert.ok(!outcome.includes(SECRET), `${attempt} read the secret`);
    }
    // The refusals are the sandbox's, by name, not accidents.
    assert.match(results.requireFs!, /module 'fs' is not available in functions/);
    assert.match(results.requireDbFile!, /only package names are allowed/);
    assert.match(results.requireSymlinkedPackage!, /only packages from the app's functions\/node_modules/);
    assert.match(results.requirePackageThatNeedsFs!, /module 'fs' is not available/);
    assert.match(results.constructorChain!, /ReferenceError: .*process/);
    assert.match(results.processKill!, /ReferenceError/);
  });

  it("refuses dynamic import() of anything", async () => {
    assert.deepEqual(await appA.call("dynamicImport", [], { user: null, fromClient: false }), ["blocked", "blocked", "blocked", "blocked"]);
  });

  it("keeps each app's globals, prototypes, values and functions to itself", async () => {
    assert.equal(await appA.call("plant", [], { user: null, fromClient: false }), SECRET);
    // Every worker of the shared pool: calls spread over both.
    const seen = await Promise.all([1, 2, 3, 4].map(() => appB.call("peek", [], { user: null, fromClient: false })));
    for (const view of seen) assert.deepEqual(view, ["undefined", "undefined", "undefined"]);
    await assert.rejects(appB.call("runOther", [], { user: null, fromClient: false }), { message: "function not found: 'plant'" });
  });
});
