import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { Binary, Decimal128, Double, EJSON, Int32, Long, ObjectId, UUID } from "bson";
import { FunctionRuntime, type FunctionLogEntry } from "../../src/functions/index.js";
import { alice, testApp } from "./helpers.js";

const sources = {
  echo: "exports = function (...args) { return args; }",
  inspect: `exports = function (...args) {
    return args.map((a) => a === null ? "null"
      : a instanceof Date ? "Date"
      : Array.isArray(a) && a instanceof Array ? "Array"
      : a instanceof BSON.ObjectId ? "ObjectId"
      : typeof a === "object" ? a._bsontype || "object" : typeof a);
  }`,
  sum: "exports = function (a, b) { return a + b; }",
  asyncSum: "exports = async function (a, b) { await new Promise((r) => setTimeout(r, 5)); return a + b; }",
  nothing: "exports = function () {}",
  boom: "exports = function () { throw new Error('boom'); }",
  typeError: "exports = function () { return undefined.x; }",
  throwString: "exports = async function () { throw 'just a string'; }",
  chatty: "exports = function (n) { console.log('got', n); console.warn({ n }); return n; }",
  values:
    "exports = function () { return [context.values.get('plain'), context.values.get('secret'), context.values.get('missing'), context.environment]; }",
  mutateValue: "exports = function () { const v = context.values.get('obj'); v.x = 99; return context.values.get('obj').x; }",
  requireCrypto:
    "exports = function () { return require('crypto').createHash('sha256').update('abc').digest('hex') + require('node:util').format('%d', 1); }",
  requireChild: "exports = function () { return require('child_process'); }",
  requireFs: "exports = function () { return require('fs'); }",
  requireRelative: "exports = function () { return require('../../etc/passwd'); }",
  whoami: "exports = function () { return { user: context.user, system: context.runningAsSystem(), request: context.request }; }",
  timerThrows:
    "exports = async function () { setTimeout(() => { throw new Error('late'); }, 1); await new Promise((r) => setTimeout(r, 20)); return 'ok'; }",
  noExport: "const x = 1;",
  broken: "exports = function ( {",
  globals: "exports = function () { return [typeof process, typeof fetch, typeof Buffer, typeof EJSON.stringify, typeof global]; }",
};

describe("FunctionRuntime: calls, values and context", () => {
  let runtime: FunctionRuntime;
  const logs: FunctionLogEntry[] = [];

  before(async () => {
    const app = testApp(
      { ...sources, missing: undefined as unknown as string },
      { system: { runAsSystem: true } },
      {
        values: {
          plain: { name: "plain", fromSecret: false, value: { a: [1, 2] } },
          secret: { name: "secret", fromSecret: true, value: "apiKeySecret" },
          obj: { name: "obj", fromSecret: false, value: { x: 1 } },
        },
        environment: "production",
        environmentValues: { region: "eu" },
      },
    );
    app.functions.push({ ...app.functions.find((f) => f.name === "whoami")!, name: "system", runAsSystem: true });
    runtime = new FunctionRuntime({
      app,
      data: () => undefined,
      timeLimitMs: 5000,
      secrets: { apiKeySecret: "s3cr3t" },
      log: (entry) => logs.push(entry),
    });
    await runtime.start();
  });
  after(() => runtime.close());

  const call = (name: string, args: unknown[] = []) => runtime.call(name, args, { user: alice, fromClient: true });

  it("round-trips BSON types through arguments and results", async () => {
    const args = [
      new Date(1_700_000_000_123),
      new ObjectId("65f0000000000000000000ff"),
      new Int32(5),
      new Double(2.5),
      Long.fromString("9007199254740993"),
      Decimal128.fromString("12.345"),
      new Binary(Buffer.from([1, 2, 3]), 0),
      new UUID("26e6b2a1-08ad-4e7c-b820-f4b6b728e674").toBinary(),
      "s",
      true,
      null,
      { nested: [new Int32(1), { d: new Date(0) }] },
    ];
    // The route decodes the wire body with EJSON.parse(relaxed: false); do the same.
    const wire = EJSON.parse(EJSON.stringify(args, { relaxed: false }), { relaxed: false }) as unknown[];
    const result = await runtime.invoke("echo", wire, { user: alice, fromClient: true });
    assert.deepEqual(result.value, wire);
    assert.equal(result.ejson, EJSON.stringify(wire, { relaxed: false }));
  });

  it("shows functions sandbox-realm objects and plain numbers for Int32/Double", async () => {
    const types = await call("inspect", [new Date(0), [1], new ObjectId(), new Int32(1), new Double(1.5), Long.fromNumber(1), "x", null]);
    assert.deepEqual(types, ["Date", "Array", "ObjectId", "number", "number", "Long", "string", "null"]);
    // Integral numbers come back as Int32 (the driver's rule), fractional ones as Double.
    assert.deepEqual(await call("sum", [new Int32(1), new Int32(2)]), new Int32(3));
    assert.deepEqual(await call("sum", [new Int32(1), new Double(2.5)]), new Double(3.5));
    assert.deepEqual(await call("asyncSum", [1, 2]), new Int32(3));
  });

  it("returns null for a function that returns nothing", async () => {
    const result = await runtime.invoke("nothing", [], { user: null, fromClient: false });
    assert.equal(result.ejson, "null");
  });

  it("reports thrown errors as FunctionExecutionError", async () => {
    await assert.rejects(call("boom"), { code: "FunctionExecutionError", status: 400, message: "boom" });
    await assert.rejects(call("typeError"), {
      code: "FunctionExecutionError",
      message: /^TypeError: [Cc]annot read propert(y|ies) .*undefined/,
    });
    await assert.rejects(call("throwString"), { code: "FunctionExecutionError", message: "just a string" });
    await assert.rejects(call("noExport"), { code: "FunctionExecutionError", message: /must export a function/ });
    await assert.rejects(call("broken"), { code: "FunctionExecutionError", message: /does not compile/ });
    await assert.rejects(call("missing"), { code: "FunctionExecutionError", message: "function 'missing' has no source file" });
  });

  it("refuses unknown functions with FunctionNotFound", async () => {
    await assert.rejects(call("nope"), { code: "FunctionNotFound", status: 404, message: "function not found: 'nope'" });
  });

  it("captures console output per call", async () => {
    const result = await runtime.invoke("chatty", [7], { user: null, fromClient: false });
    assert.deepEqual(result.logs, ["got 7", "WARN: { n: 7 }"]);
    assert.ok(logs.some((l) => l.functionName === "chatty" && l.line === "got 7"));
  });

  it("gives context.values (secrets resolved, fresh copies) and context.environment", async () => {
    assert.deepEqual(
      await call("values"),
      [{ a: [1, 2] }, "s3cr3t", null, { tag: "production", values: { region: "eu" } }].map((v) =>
        EJSON.parse(EJSON.stringify(v, { relaxed: false }), { relaxed: false }),
      ),
    );
    assert.deepEqual(await call("mutateValue"), new Int32(1));
  });

  it("limits require to allowlisted built-ins", async () => {
    assert.equal(await call("requireCrypto"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad1");
    await assert.rejects(call("requireChild"), { message: /module 'child_process' is not available/ });
    await assert.rejects(call("requireFs"), { message: /module 'fs' is not available/ });
    await assert.rejects(call("requireRelative"), { message: /only package names are allowed/ });
  });

  it("exposes no process and no module system beyond require", async () => {
    assert.deepEqual(await call("globals"), ["undefined", "undefined", "function", "function", "undefined"]);
  });

  it("keeps context.user the caller in run_as_system functions", async () => {
    const request = { remoteIPAddress: "10.1.1.1" };
    const plain = (await runtime.call("whoami", [], { user: alice, fromClient: true, request })) as Record<string, unknown>;
    assert.equal((plain.user as { id: string }).id, alice.id);
    assert.equal(plain.system, false);
    assert.deepEqual(plain.request, request);
    const system = (await runtime.call("system", [], { user: alice, fromClient: true })) as Record<string, unknown>;
    assert.equal((system.user as { id: string }).id, alice.id);
    assert.equal(system.system, true);
    const forced = (await runtime.call("whoami", [], { user: null, fromClient: false, runAsSystem: true })) as Record<string, unknown>;
    assert.equal(forced.user, null);
    assert.equal(forced.system, true);
  });

  it("survives an exception thrown from a timer callback", async () => {
    const result = await runtime.invoke("timerThrows", [], { user: null, fromClient: false });
    assert.equal(result.value, "ok");
    assert.match(result.logs.join("\n"), /uncaught exception in timer callback: Error: late/);
    assert.equal(await call("echo", [1]).then((v) => (v as unknown[]).length), 1);
  });
});
