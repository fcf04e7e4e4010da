import assert from "node:assert/strict";
import { after, before, it } from "node:test";
import { call, startTestServer, type TestServer } from "../helpers/server.js";

let server: TestServer;
before(async () => {
  server = await startTestServer();
});
after(() => server.close());

const login = (device: unknown) =>
  call(`${server.api}/app/todo-gatehouse/auth/providers/anon-user/login`, { body: { options: { device } } });

it("stores only the documented device fields, each cut to 128 characters", async () => {
  const documented = {
    appId: "todo",
    appVersion: "1.2.3",
    platform: "chrome",
    platformVersion: "120.0",
    sdk: "JS",
    sdkVersion: "2.0.1",
    cpuArch: "x64",
    deviceName: "d".repeat(3000),
    deviceVersion: "14",
    frameworkName: "Node.js",
    frameworkVersion: "20.0.0",
    coreVersion: "14.0.0",
    bundleId: "com.example.todo",
  };
  // As much as the login route's 16 KB body limit lets through.
  const junk = Object.fromEntries(Array.from({ length: 60 }, (_, i) => [`k${i}`, "x".repeat(150)]));
  const res = await login({ ...junk, ...documented, nested: { a: 1 }, __proto__: { polluted: true } });
  assert.equal(res.status, 200);
  const [stored] = await server.services.store.sessions.devicesOf(res.body.user_id);
  assert.ok(stored);
  assert.deepEqual(Object.keys(stored.info).sort(), Object.keys(documented).sort());
  assert.equal(stored.info.deviceName, "d".repeat(128));
  assert.equal(stored.info.bundleId, "com.example.todo");
  assert.ok(JSON.stringify(stored.info).length < 14 * 150, "bounded whatever the client sends");
  const huge = Object.fromEntries(Array.from({ length: 2000 }, (_, i) => [`k${i}`, "x".repeat(200)]));
  assert.equal((await login(huge)).status, 413, "and a larger body is not read at all");
});

it("keeps a device id this app issued, sent as EJSON or as hex", async () => {
  const first = await login({ platform: "node" });
  const id = first.body.device_id;
  assert.match(id, /^[0-9a-f]{24}$/);
  assert.equal((await login({ platform: "node", deviceId: { $oid: id } })).body.device_id, id);
  assert.equal((await login({ platform: "node", deviceId: id })).body.device_id, id);
  assert.notEqual((await login({ platform: "node", deviceId: "65f000000000000000000bad" })).body.device_id, "65f000000000000000000bad");
});
