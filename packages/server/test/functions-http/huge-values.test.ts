/**
 * Size limits over HTTP (`functions.maxValueBytes: 1 MiB`): a function returning a huge value, or called
 * with huge arguments, fails that call with FunctionExecutionError (`functionValueTooLarge`, or the VM's
 * memory limit for 50 MB) while the server keeps answering other calls.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { Int32 } from "bson";
import type { TestServer } from "../helpers/server.js";
import { anonLogin, assertError, callFunction, FUNCTION_LIMITS, startFunctionsServer, type Session } from "./helpers.js";

const MAX = 1024 * 1024;
let server: TestServer;
let user: Session;
before(async () => {
  server = await startFunctionsServer({ functions: { ...FUNCTION_LIMITS, maxValueBytes: MAX } });
  user = await anonLogin(server);
});
after(async () => {
  await server.close();
});

describe("function value size limits over HTTP", () => {
  it("a result over the limit is a FunctionExecutionError; one under it is returned", async () => {
    const res = await callFunction(server, user.access_token, "huge", [new Int32(2)]);
    assertError(res, {
      status: 400,
      code: "FunctionExecutionError",
      error: /^function result too large: \d+ bytes \(the limit is 1048576\)$/,
    });
    assert.equal(res.body.reason, "functionValueTooLarge");
    const small = await callFunction(server, user.access_token, "huge", [0.5]);
    assert.equal(small.status, 200);
    assert.equal(JSON.parse(small.text).length, 512 * 1024);
  });

  it("a 50 MB result fails that call only, while other calls are answered", async () => {
    const huge = callFunction(server, user.access_token, "huge", [new Int32(50)]);
    const others = await Promise.all([1, 2, 3].map((i) => callFunction(server, user.access_token, "sum", [new Int32(i), new Int32(1)])));
    for (const [i, res] of others.entries()) assert.equal(res.text, `{"$numberInt":"${i + 2}"}`);
    const res = await huge;
    assertError(res, { status: 400, code: "FunctionExecutionError" });
    assert.ok(["functionValueTooLarge", "functionMemoryLimit"].includes(res.body.reason), res.text);
    assert.equal((await callFunction(server, user.access_token, "echo", ["after"])).text, '["after"]');
  });

  it("arguments over the limit are refused before the function runs", async () => {
    const res = await callFunction(server, user.access_token, "echo", ["y".repeat(MAX + 10)]);
    // The HTTP body limit may answer first; either way a clear 4xx, and the server goes on.
    assert.ok(res.status === 400 || res.status === 413, res.text);
    if (res.status === 400) assert.equal(res.body.reason, "functionValueTooLarge");
    assert.equal((await callFunction(server, user.access_token, "echo", ["fine"])).text, '["fine"]');
  });
});
