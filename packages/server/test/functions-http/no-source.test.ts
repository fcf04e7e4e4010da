/**
 * A function the app's config declares but whose source file is missing: `functions/call` answers 404
 * FunctionNotFound with the `functionHasNoSource` reason, while the app's other functions keep working.
 */
import assert from "node:assert/strict";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { Int32 } from "bson";
import { startTestServer, type TestServer } from "../helpers/server.js";
import { anonLogin, assertError, callFunction, functionsApp, FUNCTION_LIMITS } from "./helpers.js";

let server: TestServer;
let dir: string;

before(async () => {
  // A copy of the fixture whose config declares one more function, with no file behind it.
  dir = mkdtempSync(join(tmpdir(), "gatehouse-no-source-"));
  const app = join(dir, "functions-app");
  cpSync(functionsApp, app, { recursive: true });
  const configPath = join(app, "functions", "config.json");
  const config = JSON.parse(readFileSync(configPath, "utf8")) as { name: string; private: boolean }[];
  writeFileSync(configPath, JSON.stringify([...config, { name: "declaredOnly", private: false }]));
  server = await startTestServer({ apps: [app], config: { functions: FUNCTION_LIMITS } });
});
after(async () => {
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("functions/call of a function without source", () => {
  it("answers 404 FunctionNotFound (functionHasNoSource); a function with source still runs", async () => {
    const user = await anonLogin(server);
    const res = await callFunction(server, user.access_token, "declaredOnly");
    assertError(res, { status: 404, code: "FunctionNotFound", error: "function not found: 'declaredOnly' (no source)" });
    assert.equal(res.body.reason, "functionHasNoSource");
    const ok = await callFunction(server, user.access_token, "sum", [new Int32(1), new Int32(2)]);
    assert.equal(ok.text, '{"$numberInt":"3"}');
  });
});
