import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { rawRequest } from "../helpers/raw-http.js";
import { secondApp, call, startTestServer, todoApp, type TestServer } from "../helpers/server.js";

const V2 = "/api/client/v2.0";

describe("transport rules of PROTOCOL.md §1 (raw HTTP)", () => {
  let server: TestServer;
  let tokens: { access_token: string; refresh_token: string };
  before(async () => {
    server = await startTestServer({ apps: [todoApp, secondApp] });
    tokens = (await call(`${server.api}/app/todo-gatehouse/auth/providers/anon-user/login`, { body: {} })).body;
  });
  after(() => server.close());

  const raw = (method: string, path: string, headers: Record<string, string> = {}, body?: string) =>
    rawRequest({ port: server.port, method, path, headers, ...(body !== undefined ? { body } : {}) });

  it("routes an absolute-form request target (realm-cpp) and answers HTTP/1.1", async () => {
    const res = await raw("GET", `http://127.0.0.1:${server.port}${V2}/app/todo-gatehouse/location`, { host: "127.0.0.1" });
    assert.equal(res.status, 200);
    assert.equal(res.httpVersion, "1.1");
    const body = JSON.parse(res.body);
    assert.equal(body.hostname, `http://127.0.0.1:${server.port}`, "a Host without port gets the socket's port");
    assert.equal(body.ws_hostname, `ws://127.0.0.1:${server.port}`);
    assert.ok(Number(res.headers["content-length"]) > 0);
  });

  it("location has every field, no trailing slash, and JSON content type", async () => {
    const res = await raw("GET", `${V2}/app/todo-gatehouse/location`);
    assert.match(String(res.headers["content-type"]), /^application\/json/);
    const body = JSON.parse(res.body);
    assert.deepEqual(Object.keys(body).sort(), ["deployment_model", "hostname", "location", "ws_hostname"]);
    assert.ok(!body.hostname.endsWith("/"));
  });

  it("accepts a JSON content type with an empty body (core's refresh) and on GET/DELETE", async () => {
    const headers = {
      "content-type": "application/json;charset=utf-8",
      accept: "application/json",
      authorization: `Bearer ${tokens.refresh_token}`,
    };
    const refresh = await raw("POST", `${V2}/auth/session`, headers);
    assert.equal(refresh.status, 201);
    const access = JSON.parse(refresh.body).access_token;
    const profile = await raw("GET", `${V2}/auth/profile`, { ...headers, authorization: `Bearer ${access}` });
    assert.equal(profile.status, 200);
  });

  it("serves a bodiless request whatever its Content-Type, and still parses a chunked body", async () => {
    const anon = `${V2}/app/todo-gatehouse/auth/providers/anon-user/login`;
    for (const type of ["application/json", "text/plain", "not a media type;;"]) {
      const res = await raw("POST", anon, { "content-type": type, "content-length": "0" });
      assert.equal(res.status, 200, `${type}: ${res.body}`);
      assert.match(JSON.parse(res.body).device_id, /^[0-9a-f]{24}$/);
    }
    // Transfer-Encoding without Content-Length: a body of unknown length, which must still be read.
    const register = `${V2}/app/todo-gatehouse/auth/providers/local-userpass/register`;
    const body = JSON.stringify({ email: "chunked@example.com", password: "secret-123" });
    const chunked = await raw("POST", register, { "content-type": "application/json", "transfer-encoding": "chunked" }, body);
    assert.equal(chunked.status, 201, chunked.body);
    const bodiless = await raw("POST", register, { "content-type": "application/json", "content-length": "0" });
    assert.equal(bodiless.status, 400);
    assert.equal(JSON.parse(bodiless.body).error_code, "MissingParameter");
    const foreign = await raw("POST", register, { "content-type": "text/plain", "transfer-encoding": "chunked" }, "{}");
    assert.equal(foreign.status, 415);
  });

  it("reads a login body sent as application/json;charset=utf-8 with core's provider key and EJSON", async () => {
    const body = JSON.stringify({
      provider: "anon-user",
      options: { device: { appId: "todo-gatehouse", platform: "Linux", sdk: "Realm Cpp", deviceId: { $oid: "65f0000000000000000000d1" } } },
    });
    const res = await raw(
      "POST",
      `${V2}/app/todo-gatehouse/auth/providers/anon-user/login`,
      { "content-type": "application/json;charset=utf-8" },
      body,
    );
    assert.equal(res.status, 200);
    assert.match(JSON.parse(res.body).device_id, /^[0-9a-f]{24}$/);
  });

  it("sends errors as exactly application/json with error and error_code", async () => {
    const res = await raw("GET", `${V2}/auth/profile`, { authorization: "Bearer x.y.z" });
    assert.equal(res.status, 401);
    assert.equal(res.headers["content-type"], "application/json");
    const body = JSON.parse(res.body);
    assert.equal(body.error_code, "InvalidSession");
    assert.equal(typeof body.error, "string");
  });

  it("omits the content type on empty successes", async () => {
    const login = (await call(`${server.api}/app/todo-gatehouse/auth/providers/anon-user/login`, { body: {} })).body;
    const res = await raw("DELETE", `${V2}/auth/session`, {
      authorization: `Bearer ${login.refresh_token}`,
      "content-type": "application/json",
    });
    assert.equal(res.status, 204);
    assert.equal(res.headers["content-type"], undefined);
    assert.equal(res.body, "");
  });

  it("answers an unknown app with 404 AppNotFound", async () => {
    const res = await call(`${server.api}/app/nope-xxxxx/location`);
    assert.equal(res.status, 404);
    assert.equal(res.body.error_code, "AppNotFound");
    const login = await call(`${server.api}/app/nope-xxxxx/auth/providers/anon-user/login`, { body: {} });
    assert.equal(login.status, 404);
  });

  it("answers unknown, disabled and unsupported providers with 404 AuthProviderNotFound", async () => {
    const unknown = await call(`${server.api}/app/todo-gatehouse/auth/providers/oauth2-nope/login`, { body: {} });
    assert.equal(unknown.status, 404);
    assert.equal(unknown.body.error_code, "AuthProviderNotFound");
    const disabled = await call(`${server.api}/app/todo-gatehouse/auth/providers/api-key/login`, { body: { key: "k" } });
    assert.equal(disabled.status, 404);
    assert.equal(disabled.body.error_code, "AuthProviderNotFound");
    // A provider type App Services never had, so no Gatehouse serves it.
    const unsupported = await call(`${server.api}/app/second-app/auth/providers/oauth2-ldap/login`, { body: {} });
    assert.equal(unsupported.status, 404);
    assert.match(unsupported.body.error, /not supported/);
    assert.equal(unsupported.body.reason, "providerNotSupported");
    const disabledUserpass = await call(`${server.api}/app/second-app/auth/providers/local-userpass/register`, {
      body: { email: "a@b.c", password: "secret1" },
    });
    assert.equal(disabledUserpass.status, 404);
  });

  it("answers malformed JSON, non-object bodies and foreign content types with 4xx, never 5xx", async () => {
    const url = `${V2}/app/todo-gatehouse/auth/providers/local-userpass/register`;
    const cases: [Record<string, string>, string][] = [
      [{ "content-type": "application/json" }, "{not json"],
      [{ "content-type": "application/json" }, '{"email": {"$oid": "zz"}}'],
      [{ "content-type": "application/json" }, '"a string"'],
      [{ "content-type": "application/json" }, "null"],
      [{ "content-type": "text/plain" }, '{"email":"a@b.c","password":"secret1"}'],
      [{ "content-type": "application/x-www-form-urlencoded" }, "email=a%40b.c&password=secret1"],
      [{}, "garbage"],
    ];
    for (const [headers, body] of cases) {
      const res = await raw("POST", url, headers, body);
      assert.ok(res.status >= 400 && res.status < 500, `${JSON.stringify(headers)} ${body} -> ${res.status}`);
      assert.equal(res.headers["content-type"], "application/json");
      assert.equal(typeof JSON.parse(res.body).error_code, "string");
    }
  });

  it("refuses an oversized body with 413", async () => {
    const res = await raw(
      "POST",
      `${V2}/app/todo-gatehouse/auth/providers/anon-user/login`,
      { "content-type": "application/json" },
      JSON.stringify({ pad: "x".repeat(2 * 1024 * 1024) }),
    );
    assert.equal(res.status, 413);
  });

  it("answers an unknown route with a JSON 404", async () => {
    const res = await raw("GET", `${V2}/nothing/here`);
    assert.equal(res.status, 404);
    assert.equal(res.headers["content-type"], "application/json");
  });

  it("answers CORS preflight for realm-web's headers, with credentials and the exposed x-baas-location", async () => {
    const res = await raw("OPTIONS", `${V2}/auth/profile`, {
      origin: "http://localhost:3000",
      "access-control-request-method": "GET",
      "access-control-request-headers": "authorization,content-type",
    });
    assert.ok(res.status === 204 || res.status === 200);
    assert.equal(res.headers["access-control-allow-origin"], "http://localhost:3000");
    assert.equal(res.headers["access-control-allow-credentials"], "true");
    assert.match(String(res.headers["access-control-allow-headers"]).toLowerCase(), /authorization/);
    const get = await raw("GET", `${V2}/app/todo-gatehouse/location`, { origin: "http://localhost:3000" });
    assert.match(String(get.headers["access-control-expose-headers"]), /x-baas-location/);
  });

  it("enforces allowed_request_origins for browser requests", async () => {
    const denied = await call(`${server.api}/app/second-app/auth/providers/anon-user/login`, {
      body: {},
      headers: { origin: "https://evil.example" },
    });
    assert.equal(denied.status, 403);
    assert.equal(denied.body.error_code, "DomainNotAllowed");
    const allowed = await call(`${server.api}/app/second-app/auth/providers/anon-user/login`, {
      body: {},
      headers: { origin: "https://allowed.example" },
    });
    assert.equal(allowed.status, 200);
    const profile = await call(`${server.api}/auth/profile`, {
      token: allowed.body.access_token,
      headers: { origin: "https://evil.example" },
    });
    assert.equal(profile.status, 403);
    const noOrigin = await call(`${server.api}/app/second-app/auth/providers/anon-user/login`, { body: {} });
    assert.equal(noOrigin.status, 200, "non-browser clients send no Origin");
  });
});
