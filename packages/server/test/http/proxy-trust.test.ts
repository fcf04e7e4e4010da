import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { rawRequest } from "../helpers/raw-http.js";
import { call, startTestServer, type TestServer } from "../helpers/server.js";

const V2 = "/api/client/v2.0";

/** The IP the audit log recorded for an anonymous login sent with these headers. */
async function loggedIp(server: TestServer, headers: Record<string, string>): Promise<string | null | undefined> {
  const res = await call(`${server.api}/app/todo-gatehouse/auth/providers/anon-user/login`, { body: {}, headers });
  assert.equal(res.status, 200);
  const events = await server.listAuditEvents({ clientAppId: "todo-gatehouse", type: "login", userId: res.body.user_id });
  return events[0]?.ip;
}

async function withServer(config: Parameters<typeof startTestServer>[0], work: (server: TestServer) => Promise<void>) {
  const server = await startTestServer(config);
  try {
    await work(server);
  } finally {
    await server.close();
  }
}

describe("trustProxy", () => {
  it("a hop count takes the client IP from the proxy's own entry, not a spoofed leftmost one", () =>
    withServer({ config: { trustProxy: 1 } }, async (server) => {
      // The client wrote "6.6.6.6"; the one proxy appended the address it saw.
      assert.equal(await loggedIp(server, { "x-forwarded-for": "6.6.6.6, 203.0.113.9" }), "203.0.113.9");
      assert.equal(await loggedIp(server, {}), "127.0.0.1", "without the header the peer is the client");
    }));

  it("`true` (the old trust-everything) now means one hop", () =>
    withServer({ config: { trustProxy: true } }, async (server) => {
      assert.equal(await loggedIp(server, { "x-forwarded-for": "6.6.6.6, 1.1.1.1, 203.0.113.9" }), "203.0.113.9");
    }));

  it("a proxy list: the client IP is the first hop, from the right, that is not a listed proxy", () =>
    withServer({ config: { trustProxy: ["127.0.0.1", "10.0.0.0/8"] } }, async (server) => {
      assert.equal(await loggedIp(server, { "x-forwarded-for": "6.6.6.6, 198.51.100.4, 10.2.3.4" }), "198.51.100.4");
      assert.equal(await loggedIp(server, { "x-forwarded-for": "10.9.9.9" }), "10.9.9.9", "all proxies: the leftmost");
    }));

  it("a peer that is not a listed proxy is the client, whatever it forwards", () =>
    withServer({ config: { trustProxy: ["10.0.0.1"] } }, async (server) => {
      assert.equal(await loggedIp(server, { "x-forwarded-for": "6.6.6.6" }), "127.0.0.1");
    }));

  it("no trust by default", () =>
    withServer({}, async (server) => {
      assert.equal(await loggedIp(server, { "x-forwarded-for": "6.6.6.6" }), "127.0.0.1");
    }));

  it("refuses trust-everything ranges and malformed entries at start-up", async () => {
    await assert.rejects(startTestServer({ config: { trustProxy: ["0.0.0.0/0"] } }), /would trust every address/);
    await assert.rejects(startTestServer({ config: { trustProxy: ["::/0"] } }), /would trust every address/);
    await assert.rejects(startTestServer({ config: { trustProxy: ["10.0.0.0/33"] } }), /not an IP address or CIDR/);
    await assert.rejects(startTestServer({ config: { trustProxy: ["proxy.example"] } }), /not an IP address or CIDR/);
    await assert.rejects(startTestServer({ config: { trustProxy: -1 } }), /hop count/);
  });

  it("warns at start-up when a proxy is trusted but publicUrl is not set", () =>
    withServer({ config: { trustProxy: 1 } }, async (server) => {
      assert.ok(server.report.some((line) => /trustProxy is set but publicUrl is not/.test(line)));
    }));
});

describe("/location never reflects an untrusted Host or X-Forwarded-Host", () => {
  const location = async (server: TestServer, headers: Record<string, string>) => {
    const res = await rawRequest({ port: server.port, method: "GET", path: `${V2}/app/todo-gatehouse/location`, headers });
    assert.equal(res.status, 200);
    return JSON.parse(res.body) as { hostname: string; ws_hostname: string };
  };

  it("answers with the address the connection reached when Host names another host", () =>
    withServer({ config: { trustProxy: 1 } }, async (server) => {
      const own = `http://127.0.0.1:${server.port}`;
      assert.equal((await location(server, { host: "evil.example" })).hostname, own);
      assert.equal((await location(server, { host: "evil.example:443" })).hostname, own);
      const forwarded = await location(server, { host: `127.0.0.1:${server.port}`, "x-forwarded-host": "evil.example" });
      assert.equal(forwarded.hostname, own);
      assert.equal(forwarded.ws_hostname, `ws://127.0.0.1:${server.port}`);
    }));

  it("keeps a Host of localhost or of the reached address (development set-ups)", () =>
    withServer({}, async (server) => {
      assert.equal((await location(server, { host: `localhost:${server.port}` })).hostname, `http://localhost:${server.port}`);
      assert.equal((await location(server, { host: "127.0.0.1" })).hostname, `http://127.0.0.1:${server.port}`);
    }));

  it("answers publicUrl whatever the headers say", () =>
    withServer({ config: { trustProxy: 1, publicUrl: "https://auth.example.com" } }, async (server) => {
      const body = await location(server, { host: "evil.example", "x-forwarded-host": "evil.example", "x-forwarded-proto": "http" });
      assert.equal(body.hostname, "https://auth.example.com");
    }));
});
