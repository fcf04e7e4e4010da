import assert from "node:assert/strict";
import { it } from "node:test";
import { mingoLoaded } from "../../src/data/mingo.js";
import { call, startTestServer } from "../helpers/server.js";
import { DATA_OPS_RESULT, anonLogin, callFunction, callOk, startFunctionsServer } from "./helpers.js";

// mingo (src/data/mingo.ts) is loaded by a server whose apps have functions, while it starts, and by
// nothing else until first used. Each test file runs in its own process; the two tests run in order.

it("the example app (no functions): start and the auth paths leave mingo unloaded", async () => {
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

it("an app with functions: loaded while the server starts, so the first rule and query pay nothing", async () => {
  const server = await startFunctionsServer();
  try {
    assert.equal(mingoLoaded(), true, "loaded during start-up");
    const user = await anonLogin(server);
    // can_evaluate ({"%%args.0": "open-sesame"} under $or) holds, and refuses another word.
    assert.deepEqual(await callOk(server, user.access_token, "guarded", ["open-sesame"]), { welcome: user.user_id, word: "open-sesame" });
    assert.equal((await callFunction(server, user.access_token, "guarded", ["let me in"])).status, 400);
    // Filters, updates, sort, skip, limit, projection: the builtin data API through a function.
    assert.deepEqual(await callOk(server, user.access_token, "dataOps"), DATA_OPS_RESULT);
  } finally {
    await server.close();
  }
});
