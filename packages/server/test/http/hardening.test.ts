import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { connect } from "node:net";
import { after, before, describe, it } from "node:test";
import { rawRequest } from "../helpers/raw-http.js";
import { call, jwtClaims, keysApp, startTestServer, todoApp, type TestServer } from "../helpers/server.js";

const V2 = "/api/client/v2.0";

/** Sends raw bytes and resolves with everything the server wrote before it closed the connection. */
function rawExchange(port: number, bytes: string, keepOpen = false): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1");
    let received = "";
    socket.setEncoding("utf8");
    socket.on("data", (chunk: string) => (received += chunk));
    socket.on("close", () => resolve(received));
    socket.on("error", reject);
    socket.write(bytes);
    if (!keepOpen) socket.end();
  });
}

function parseRaw(response: string): { status: number; headers: string; body: any } {
  const [head = "", body = ""] = response.split("\r\n\r\n");
  return { status: Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1]), headers: head.toLowerCase(), body: body ? JSON.parse(body) : undefined };
}

describe("security headers and CORS", () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({ apps: [todoApp, keysApp] });
  });
  after(() => server.close());

  it("every response that carries a token is no-store, and every response is nosniff", async () => {
    const login = await call(`${server.api}/app/keys-app/auth/providers/local-userpass/register`, {
      body: { email: "headers@example.com", password: "secret1" },
    });
    assert.equal(login.status, 201);
    const tokens = await call(`${server.api}/app/keys-app/auth/providers/local-userpass/login`, {
      body: { username: "headers@example.com", password: "secret1" },
    });
    const refreshed = await call(`${server.api}/auth/session`, { method: "POST", token: tokens.body.refresh_token });
    const key = await call(`${server.api}/auth/api_keys`, { token: tokens.body.refresh_token, body: { name: "k" } });
    const keyLogin = await call(`${server.api}/app/keys-app/auth/providers/api-key/login`, { body: { key: key.body.key } });
    for (const [what, res] of Object.entries({ tokens, refreshed, key, keyLogin })) {
      assert.ok(res.status < 300, `${what}: ${res.status}`);
      assert.equal(res.headers.get("cache-control"), "no-store", what);
      assert.equal(res.headers.get("x-content-type-options"), "nosniff", what);
    }
    const notFound = await call(`${server.api}/nowhere`);
    assert.equal(notFound.status, 404);
    assert.equal(notFound.headers.get("x-content-type-options"), "nosniff");
    const location = await call(`${server.api}/app/todo-gatehouse/location`);
    assert.equal(location.headers.get("x-content-type-options"), "nosniff");
  });

  it("answers no credentialed CORS to Origin: null, and still to a real origin", async () => {
    const path = `${V2}/app/todo-gatehouse/location`;
    const nullOrigin = await rawRequest({ port: server.port, method: "GET", path, headers: { origin: "null" } });
    assert.equal(nullOrigin.headers["access-control-allow-origin"], undefined);
    assert.equal(nullOrigin.headers["access-control-allow-credentials"], undefined);
    const preflight = await rawRequest({
      port: server.port,
      method: "OPTIONS",
      path,
      headers: { origin: "null", "access-control-request-method": "POST" },
    });
    assert.equal(preflight.headers["access-control-allow-origin"], undefined);
    const real = await rawRequest({ port: server.port, method: "GET", path, headers: { origin: "http://localhost:3000" } });
    assert.equal(real.headers["access-control-allow-origin"], "http://localhost:3000");
    assert.equal(real.headers["access-control-allow-credentials"], "true");
  });
});

describe("what Fastify and Node refuse before a route runs is App Services-shaped", () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.close());

  const assertShaped = (status: number, body: any, expected: number, reason: string) => {
    assert.equal(status, expected);
    assert.equal(typeof body.error, "string");
    assert.equal(body.error_code, "BadRequest");
    assert.equal(body.reason, reason);
  };

  it("414 for an over-long path segment", async () => {
    const res = await rawRequest({ port: server.port, method: "GET", path: `${V2}/app/${"x".repeat(300)}/location` });
    assertShaped(res.status, JSON.parse(res.body), 414, "urlParameterTooLong");
    assert.equal(res.headers["content-type"], "application/json");
    assert.equal(res.headers["x-content-type-options"], "nosniff");
  });

  it("400 for bad percent-encoding", async () => {
    const res = await rawRequest({ port: server.port, method: "GET", path: `${V2}/app/%zz/location` });
    assertShaped(res.status, JSON.parse(res.body), 400, "badUrl");
  });

  it("431 for headers over the limit", async () => {
    const raw = parseRaw(
      await rawExchange(server.port, `GET ${V2}/app/todo-gatehouse/location HTTP/1.1\r\nHost: x\r\nX-Big: ${"a".repeat(20_000)}\r\n\r\n`),
    );
    assertShaped(raw.status, raw.body, 431, "headersTooLarge");
    assert.match(raw.headers, /content-type: application\/json/);
  });

  it("400 for bytes that are not HTTP", async () => {
    const raw = parseRaw(await rawExchange(server.port, "NOT HTTP AT ALL\r\n\r\n"));
    assertShaped(raw.status, raw.body, 400, "malformedRequest");
  });
});

describe("timeouts", () => {
  it("closes a connection whose body stops arriving (idle timeout)", async () => {
    const server = await startTestServer({ config: { timeouts: { idleMs: 300, requestMs: 60_000 } } });
    try {
      const started = Date.now();
      // Announces 1000 bytes, sends 10, then goes quiet; the server must hang up on its own.
      const head = `POST ${V2}/app/todo-gatehouse/auth/providers/anon-user/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n`;
      await rawExchange(server.port, `${head}{"options"`, true);
      assert.ok(Date.now() - started < 30_000, "closed by the idle timeout, not by the test runner");
    } finally {
      await server.close();
    }
  });

  it("answers 408, App Services-shaped, when a trickled request exceeds the request timeout", async () => {
    const server = await startTestServer({ config: { timeouts: { requestMs: 400, headersMs: 400, idleMs: 60_000 } } });
    try {
      const response = await new Promise<string>((resolve, reject) => {
        const socket = connect(server.port, "127.0.0.1");
        let received = "";
        socket.setEncoding("utf8");
        socket.on("data", (chunk: string) => (received += chunk));
        socket.on("error", reject);
        // A byte every 100 ms keeps the idle timer happy; only the request deadline can end this.
        socket.write(`POST ${V2}/app/todo-gatehouse/auth/providers/anon-user/login HTTP/1.1\r\nHost: x\r\n`);
        const trickle = setInterval(() => socket.writable && socket.write("X-A: b\r\n"), 100);
        socket.on("close", () => {
          clearInterval(trickle);
          resolve(received);
        });
      });
      const raw = parseRaw(response);
      assert.equal(raw.status, 408);
      assert.equal(raw.body.error_code, "BadRequest");
      assert.equal(raw.body.reason, "requestTimeout");
    } finally {
      await server.close();
    }
  });
});

describe("validly signed tokens with malformed claims are 401, not 500", () => {
  const secret = "a-test-signing-secret-of-at-least-32-chars";
  let server: TestServer;
  let good: { access_token: string; refresh_token: string };
  before(async () => {
    server = await startTestServer({ config: { apps: { "todo-gatehouse": { signingKeys: [{ kid: "t1", secret }] } } } });
    good = (await call(`${server.api}/app/todo-gatehouse/auth/providers/anon-user/login`, { body: {} })).body;
  });
  after(() => server.close());

  const resign = (token: string, change: Record<string, unknown>) => {
    const header = Buffer.from(JSON.stringify(jwtClaims(token, 0))).toString("base64url");
    const payload = Buffer.from(JSON.stringify({ ...jwtClaims(token), ...change })).toString("base64url");
    const mac = createHmac("sha256", secret).update(`${header}.${payload}`).digest("base64url");
    return `${header}.${payload}.${mac}`;
  };

  it("an access token whose iss is not a string", async () => {
    assert.equal((await call(`${server.api}/auth/profile`, { token: resign(good.access_token, {}) })).status, 200, "re-signing works");
    for (const iss of [{ $gt: "" }, 42, ["a"], null]) {
      const res = await call(`${server.api}/auth/profile`, { token: resign(good.access_token, { iss }) });
      assert.equal(res.status, 401, JSON.stringify(iss));
      assert.equal(res.body.error_code, "InvalidSession");
      assert.equal(res.body.reason, "tokenInvalid");
    }
  });

  it("a refresh token whose baas_id is not a string", async () => {
    for (const baas_id of [{ $ne: null }, 7, [1]]) {
      const res = await call(`${server.api}/auth/session`, { method: "POST", token: resign(good.refresh_token, { baas_id }) });
      assert.equal(res.status, 401, JSON.stringify(baas_id));
      assert.equal(res.body.error_code, "InvalidSession");
      assert.equal(res.body.reason, "tokenInvalid");
    }
  });
});
