import assert from "node:assert/strict";
import { request } from "node:http";
import { after, before, describe, it } from "node:test";
import { call, startTestServer, type TestServer } from "../helpers/server.js";

/**
 * A 1 MB body costs the event loop little before any authentication: bodies are parsed as plain JSON
 * with a depth check first, and EJSON is decoded only where a route takes it. Measured as the delay a
 * `/location` request sent while the body is being handled sees, against the same request's latency
 * with nothing else going on (a ratio with a generous margin, not an absolute time).
 */
describe("no cheap amplifiers", () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.close());

  const location = async (): Promise<number> => {
    const started = performance.now();
    const res = await call(`${server.api}/app/todo-gatehouse/location`);
    assert.equal(res.status, 200);
    return performance.now() - started;
  };
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

  /** Sends `body`; once it is on the wire, times a /location request. Resolves with both answers. */
  const attack = (path: string, body: string) =>
    new Promise<{ status: number; answer: any; stallMs: number }>((resolve, reject) => {
      let stall: Promise<number> | undefined;
      const req = request(
        { host: "127.0.0.1", port: server.port, method: "POST", path, headers: { "content-type": "application/json" }, agent: false },
        (res) => {
          let text = "";
          res.setEncoding("utf8");
          res.on("data", (chunk: string) => (text += chunk));
          res.on("end", () => {
            void (stall ?? location()).then(
              (stallMs) => resolve({ status: res.statusCode ?? 0, answer: JSON.parse(text), stallMs }),
              reject,
            );
          });
        },
      );
      req.on("error", reject);
      req.end(body, () => (stall = location()));
    });

  const deep = "[".repeat(500_000) + "]".repeat(500_000);
  const flat = JSON.stringify({ name: "echo", arguments: Array.from({ length: 250_000 }, () => ({})) });

  it("a 1 MB nested or many-object body is refused quickly and does not stall /location", async () => {
    for (let i = 0; i < 3; i++) await location(); // warm up
    const baseline = median(await Promise.all([0, 1, 2, 3, 4, 5, 6].map(async () => location())));
    const stalls: number[] = [];
    for (let i = 0; i < 3; i++) {
      // functions/call is the one route that reads a megabyte, and it parses before authenticating.
      const nested = await attack("/api/client/v2.0/app/todo-gatehouse/functions/call", deep);
      assert.equal(nested.status, 400);
      assert.equal(nested.answer.reason, "bodyTooDeep");
      const many = await attack("/api/client/v2.0/app/todo-gatehouse/functions/call", flat);
      assert.equal(many.status, 401, "parsed as JSON, then refused for want of a token");
      stalls.push(nested.stallMs, many.stallMs);
    }
    const stall = median(stalls);
    assert.ok(
      stall < 10 * baseline + 100,
      `median /location delay ${stall.toFixed(1)} ms during the attack, ${baseline.toFixed(1)} ms alone`,
    );
  });

  it("bodies nested deeper than 100 levels are a 400, and 100 levels are fine", async () => {
    const nest = (n: number) => `{"options":{"device":${"[".repeat(n - 2)}${"]".repeat(n - 2)}}}`;
    const url = `${server.api}/app/todo-gatehouse/auth/providers/anon-user/login`;
    assert.equal((await call(url, { body: nest(100) })).status, 200);
    const tooDeep = await call(url, { body: nest(101) });
    assert.equal(tooDeep.status, 400);
    assert.equal(tooDeep.body.reason, "bodyTooDeep");
    const inString = await call(url, { body: JSON.stringify({ options: { device: { deviceName: "[".repeat(500) } } }) });
    assert.equal(inString.status, 200, "brackets inside strings do not count");
  });
});
