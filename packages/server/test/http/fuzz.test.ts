import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { after, before, describe, it } from "node:test";
import { functionsApp } from "../functions-http/helpers.js";
import { rawRequest } from "../helpers/raw-http.js";
import { keysApp, call, confirmApp, startTestServer, todoApp, type TestServer } from "../helpers/server.js";

/**
 * Bad input gets a 4xx with an App Services error body, never a 5xx: every client route is sent a
 * deterministic spread of malformed bodies, tokens and headers.
 */

// A seeded generator, so a failure names a reproducible case.
function generator(seed: number) {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) & 0x7fffffff;
    return state / 0x7fffffff;
  };
}

const weirdValues: unknown[] = [
  null,
  true,
  0,
  -1,
  1e308,
  "",
  "x".repeat(5000),
  "\u0000\uffff\ud800",
  [],
  [1, "a", null],
  {},
  { $oid: "zz" },
  { $date: "not a date" },
  { $date: { $numberLong: "99999999999999999999" } },
  { $numberInt: "12" },
  { $numberDecimal: "1e9999" },
  { $binary: { base64: "!!!", subType: "00" } },
  { $regularExpression: { pattern: "(", options: "q" } },
  { __proto__: { polluted: true } },
  { constructor: { prototype: { polluted: true } } },
  { $where: "sleep(1000)" },
];

describe("fuzzing the client routes finds no 5xx", () => {
  let server: TestServer;
  let tokens: { access_token: string; refresh_token: string };
  before(async () => {
    server = await startTestServer({ apps: [todoApp, confirmApp, functionsApp, keysApp], config: { functions: { timeLimitMs: 1000 } } });
    tokens = (await call(`${server.api}/app/todo-gatehouse/auth/providers/anon-user/login`, { body: {} })).body;
  });
  after(() => server.close());

  const routes: [string, string, "none" | "access" | "refresh"][] = [
    ["GET", "/app/todo-gatehouse/location", "none"],
    ["POST", "/app/todo-gatehouse/auth/providers/anon-user/login", "none"],
    ["POST", "/app/todo-gatehouse/auth/providers/local-userpass/login", "none"],
    ["POST", "/app/todo-gatehouse/auth/providers/local-userpass/login?link=true", "access"],
    ["POST", "/app/todo-gatehouse/auth/providers/local-userpass/register", "none"],
    ["POST", "/app/confirm-app/auth/providers/local-userpass/confirm", "none"],
    ["POST", "/app/confirm-app/auth/providers/local-userpass/confirm/send", "none"],
    ["POST", "/app/functions-app/auth/providers/local-userpass/confirm/call", "none"],
    ["POST", "/app/todo-gatehouse/auth/providers/local-userpass/reset", "none"],
    ["POST", "/app/todo-gatehouse/auth/providers/local-userpass/reset/send", "none"],
    ["POST", "/app/functions-app/auth/providers/local-userpass/reset/call", "none"],
    ["POST", "/app/functions-app/auth/providers/custom-function/login", "none"],
    ["POST", "/app/keys-app/auth/providers/api-key/login", "none"],
    ["POST", "/app/functions-app/functions/call", "access"],
    ["GET", "/app/functions-app/functions/call?baas_request=%%%", "access"],
    ["POST", "/auth/session", "refresh"],
    ["DELETE", "/auth/session", "refresh"],
    ["GET", "/auth/profile", "access"],
    ["POST", "/auth/api_keys", "refresh"],
    ["GET", "/auth/api_keys/not-an-id", "refresh"],
    ["PUT", "/auth/api_keys/65f0000000000000000000ff/enable", "refresh"],
  ];

  it("answers every malformed request with 4xx and an error body", async () => {
    const random = generator(42);
    const pick = <T>(list: T[]) => list[Math.floor(random() * list.length)]!;
    const fields = ["email", "password", "username", "token", "tokenId", "key", "name", "arguments", "options", "provider"];
    const failures: string[] = [];
    for (const [method, path, auth] of routes) {
      for (let i = 0; i < 12; i++) {
        const body: Record<string, unknown> = {};
        for (const field of fields) if (random() < 0.5) body[field] = pick(weirdValues);
        const bodyText = i === 0 ? "{" : i === 1 ? randomBytes(64).toString("latin1") : JSON.stringify(i === 2 ? pick(weirdValues) : body);
        const token =
          auth === "none"
            ? pick(["", "garbage", tokens.access_token])
            : i % 3 === 0
              ? "x.y.z"
              : auth === "access"
                ? tokens.access_token
                : tokens.refresh_token;
        const headers: Record<string, string> = {
          "content-type": pick(["application/json", "application/json;charset=utf-8", "text/plain"]),
        };
        if (token) headers.authorization = `Bearer ${token}`;
        const res = await rawRequest({
          port: server.port,
          method,
          path: `/api/client/v2.0${path}`,
          headers,
          body: method === "GET" ? undefined : bodyText,
        });
        // Unparsable bodies and a forged token can never succeed; other bodies may (an empty login is fine).
        const mustFail = (method !== "GET" && i < 2) || (auth !== "none" && token === "x.y.z");
        const badError = res.status >= 400 && res.headers["content-type"] !== "application/json";
        if (res.status >= 500 || badError || (mustFail && res.status < 400)) {
          failures.push(`${method} ${path} #${i} ${bodyText.slice(0, 80)} -> ${res.status} ${res.body.slice(0, 120)}`);
        }
      }
    }
    assert.deepEqual(failures, []);
    // And the server still serves.
    assert.equal((await call(`${server.api}/app/todo-gatehouse/auth/providers/anon-user/login`, { body: {} })).status, 200);
  });
});
