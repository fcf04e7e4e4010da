import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { FunctionNotCallable, FunctionRuntime, RuleNotMatched } from "../../src/functions/index.js";
import { alice, testApp } from "./helpers.js";

describe("FunctionRuntime: private functions and can_evaluate", () => {
  let runtime: FunctionRuntime;

  before(async () => {
    const app = testApp(
      {
        secret: "exports = function (x) { return 'secret:' + x; }",
        front: "exports = function (x) { return context.functions.execute('secret', x); }",
        adminOnly: "exports = function () { return 'welcome'; }",
        firstArgSmall: "exports = function (n) { return n * 2; }",
        viaFunction: "exports = function () { return 'allowed'; }",
        isAlice: "exports = function (id) { return id === '65f000000000000000000001'; }",
      },
      {
        secret: { private: true },
        adminOnly: { canEvaluate: { "%%user.custom_data.role": "admin", "%%user.data.email": { $in: ["alice@example.com"] } } },
        firstArgSmall: { canEvaluate: { "%%args.0": { $lt: 10 } } },
        viaFunction: { canEvaluate: { "%function": { name: "isAlice", arguments: ["%%user.id"] } } },
        isAlice: { private: true },
      },
    );
    runtime = new FunctionRuntime({ app, data: () => undefined, timeLimitMs: 5000 });
    await runtime.start();
  });
  after(() => runtime.close());

  it("refuses a private function to clients but not to the server or to other functions", async () => {
    await assert.rejects(runtime.call("secret", ["x"], { user: alice, fromClient: true }), (e: unknown) => {
      assert.ok(e instanceof FunctionNotCallable);
      assert.equal(e.code, "NotCallable");
      return true;
    });
    assert.equal(await runtime.call("secret", ["x"], { user: null, fromClient: false }), "secret:x");
    assert.equal(await runtime.call("front", ["y"], { user: alice, fromClient: true }), "secret:y");
  });

  it("runs a function whose rule holds for %%user and refuses others", async () => {
    assert.equal(await runtime.call("adminOnly", [], { user: alice, fromClient: true }), "welcome");
    const bob = { ...alice, id: "65f000000000000000000002", data: { email: "bob@example.com" } };
    await assert.rejects(runtime.call("adminOnly", [], { user: bob, fromClient: true }), (e: unknown) => {
      assert.ok(e instanceof RuleNotMatched);
      assert.equal((e as RuleNotMatched).code, "FunctionExecutionError");
      assert.equal((e as Error).message, 'rule not matched for function "adminOnly"');
      return true;
    });
    await assert.rejects(runtime.call("adminOnly", [], { user: null, fromClient: true }), RuleNotMatched);
    assert.equal(await runtime.call("adminOnly", [], { user: bob, fromClient: false }), "welcome", "rules guard client calls only");
  });

  it("evaluates %%args", async () => {
    assert.equal(Number(await runtime.call("firstArgSmall", [3], { user: alice, fromClient: true })), 6);
    await assert.rejects(runtime.call("firstArgSmall", [30], { user: alice, fromClient: true }), RuleNotMatched);
  });

  it("evaluates %function rules by calling the (private) function as system", async () => {
    assert.equal(await runtime.call("viaFunction", [], { user: alice, fromClient: true }), "allowed");
    await assert.rejects(runtime.call("viaFunction", [], { user: { ...alice, id: "other" }, fromClient: true }), RuleNotMatched);
  });
});
