/**
 * Route schemas are compiled by the first request that needs them, not while the server starts
 * (src/http/lazy-schemas.ts), and the answers are the same: a bad body on an Admin API route and on a
 * client route is still the catalogue's MissingParameter / InvalidParameter with its reason, and a good
 * body still gets the response schema's shape. Every schema still compiles (compileAll).
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { schemaCompilation, type SchemaCompilation } from "../../src/http/lazy-schemas.js";
import { call, startTestServer, type TestServer } from "../helpers/server.js";

let server: TestServer;
let compilation: SchemaCompilation;
before(async () => {
  server = await startTestServer();
  compilation = schemaCompilation(server.http)!;
  assert.ok(compilation, "buildHttpApp tracks its schemas");
});
after(() => server.close());

const ADMIN_LOGIN = "/api/admin/v3.0/auth/providers/mongodb-cloud/login";
const REGISTER = "/api/client/v2.0/app/todo-gatehouse/auth/providers/local-userpass/register";

describe("route schemas compiled on first use", () => {
  it("none is compiled while the server starts", () => {
    // Body, querystring, params and response schemas of the client API, the Admin API and the console.
    assert.ok(compilation.deferred > 50, `deferred ${compilation.deferred}`);
    assert.equal(compilation.compiled, 0);
  });

  it("an Admin API body is validated as before, its validator compiled by that request only", async () => {
    const before = compilation.compiled;
    const missing = await call(`${server.url}${ADMIN_LOGIN}`, { body: { username: "operator" } });
    assert.deepEqual([missing.status, missing.body.error_code, missing.body.reason], [400, "MissingParameter", "missingParameter"]);
    assert.equal(missing.body.error, "'apiKey' is required");
    // The body's validator; the response schema waits for a 200.
    assert.equal(compilation.compiled, before + 1);
    const mistyped = await call(`${server.url}${ADMIN_LOGIN}`, { body: { username: 5, apiKey: "x" } });
    assert.deepEqual([mistyped.status, mistyped.body.error_code, mistyped.body.reason], [400, "InvalidParameter", "invalidParameter"]);
    assert.equal(mistyped.body.error, "'username' must be a string");
    const notObject = await call(`${server.url}${ADMIN_LOGIN}`, { body: [1] });
    assert.deepEqual([notObject.status, notObject.body.error_code, notObject.body.reason], [400, "InvalidParameter", "bodyNotObject"]);
    assert.equal(compilation.compiled, before + 1, "compiled once, used again");
  });

  it("a client body is validated as before, and a good one answers in the response schema's shape", async () => {
    const before = compilation.compiled;
    const mistyped = await call(`${server.url}${REGISTER}`, { body: { email: { $numberInt: "7" }, password: "secret1" } });
    assert.deepEqual([mistyped.status, mistyped.body.error_code, mistyped.body.reason], [400, "InvalidParameter", "invalidParameter"]);
    assert.equal(mistyped.body.error, "'email' must be a string");
    assert.equal(compilation.compiled, before + 1);

    const key = await server.services.admin.keys.create("lazy-schemas");
    const login = await call(`${server.url}${ADMIN_LOGIN}`, { body: { username: key.username, apiKey: key.apiKey } });
    assert.equal(login.status, 200, login.text);
    // adminLoginResponseSchema's fields, each a string, and nothing else.
    assert.deepEqual(Object.keys(login.body).sort(), ["access_token", "device_id", "refresh_token", "user_id"]);
    assert.equal(compilation.compiled, before + 2, "the 200 response's serializer");
  });

  it("every deferred schema compiles", () => {
    compilation.compileAll();
    assert.equal(compilation.compiled, compilation.deferred);
  });
});
