import assert from "node:assert/strict";
import { it } from "node:test";
import { mingoLoaded } from "../../src/data/mingo.js";
import { call, startTestServer } from "../helpers/server.js";
import { DATA_OPS_RESULT, anonLogin, callFunction, callOk, startFunctionsServer } from "./helpers.js";

// mingo is loaded at its first use (src/data/mingo.ts). Each test file runs in its own process, so
// nothing before this file has loaded it; the two tests run in order.

// The first query or rule pays for loading mingo (~300 modules, a few hundred ms on a busy machine) inside
// the function's time: more than the 1.5 s the other functions tests allow.
const FIRST_USE_LIMITS = { functions: { timeLimitMs: 30_000, memoryLimitMb: 64 } };

it("the example app's start and auth paths leave mingo unloaded", async () => {
  const server = await startTestServer();
  try {
    const app = `${server.api}/app/todo-gatehouse/auth/providers`;
    assert.equal((await call(`${app}/anon-user/login`, { body: {} })).status, 200);
    const credentials = { email: "lazy@example.com", password: "lazy-password-1" };
    assert.equal((await call(`${app}/local-userpass/register`, { body: credentials })).status, 201);
    const login = await call(`${app}/local-userpass/login`, { body: { username: credentials.email, password: credentials.password } });
    assert.equal(login.status, 200);
    assert.equal((await call(`${server.api}/auth/profile`, { token: login.body.access_token })).status, 200);
    assert.equal((await call(`${server.api}/auth/session`, { method: "POST", token: login.body.refresh_token })).status, 201);
    assert.equal(mingoLoaded(), false);
  } finally {
    await server.close();
  }
});

it("a fresh server's first rule loads mingo and answers as always, and the data API then queries with it", async () => {
  const server = await startFunctionsServer(FIRST_USE_LIMITS);
  try {
    assert.equal(mingoLoaded(), false, "start-up does not load mingo");
    const user = await anonLogin(server);
    // The login ran onUserCreation (an insertOne), which needs no query engine: the rule below is the first use.
    assert.equal(mingoLoaded(), false);
    // can_evaluate ({"%%args.0": "open-sesame"} under $or) holds, and refuses another word.
    assert.deepEqual(await callOk(server, user.access_token, "guarded", ["open-sesame"]), { welcome: user.user_id, word: "open-sesame" });
    assert.equal((await callFunction(server, user.access_token, "guarded", ["let me in"])).status, 400);
    assert.equal(mingoLoaded(), true);
    // Filters, updates, sort, skip, limit, projection: the builtin data API through a function.
    assert.deepEqual(await callOk(server, user.access_token, "dataOps"), DATA_OPS_RESULT);
  } finally {
    await server.close();
  }
});
