import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { call, jwtClaims, startTestServer, type TestServer } from "../helpers/server.js";

const APP = "todo-gatehouse";

const claims = (token: string) => jwtClaims(token);

describe("anonymous login, profile, refresh, logout, delete", () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.close());

  const login = (body: unknown = { options: { device: { platform: "test", sdkVersion: "1" } } }) =>
    call(`${server.api}/app/${APP}/auth/providers/anon-user/login`, { body });

  it("returns the four login fields and JWTs with the App Services claims", async () => {
    const res = await login();
    assert.equal(res.status, 200);
    assert.match(res.headers.get("content-type")!, /^application\/json/);
    const { access_token, refresh_token, user_id, device_id } = res.body;
    assert.match(user_id, /^[0-9a-f]{24}$/);
    assert.match(device_id, /^[0-9a-f]{24}$/);
    assert.notEqual(device_id, "000000000000000000000000");
    const access = claims(access_token);
    const refresh = claims(refresh_token);
    assert.equal(access.typ, "access");
    assert.equal(access.sub, user_id);
    assert.equal(access.exp - access.iat, 1800);
    assert.ok(Number.isInteger(access.iat) && Number.isInteger(access.exp));
    assert.equal(access.baas_device_id, device_id);
    assert.match(access.baas_domain_id, /^[0-9a-f]{24}$/);
    assert.equal(refresh.typ, "refresh");
    assert.equal(refresh.baas_id, access.iss, "access iss names the session the refresh token names");
    assert.equal(refresh.baas_identity.provider_type, "anon-user");
    assert.equal(refresh.baas_data, null);
  });

  it("gives the all-zeros device id when no device information is sent", async () => {
    const res = await login({});
    assert.equal(res.status, 200);
    assert.equal(res.body.device_id, "000000000000000000000000");
  });

  it("keeps a device id the app issued, and mints a new one for an unknown id", async () => {
    const first = await login();
    const again = await login({ options: { device: { deviceId: { $oid: first.body.device_id } } } });
    assert.equal(again.body.device_id, first.body.device_id);
    const foreign = await login({ options: { device: { deviceId: { $oid: "65f0000000000000000000d1" } } } });
    assert.notEqual(foreign.body.device_id, "65f0000000000000000000d1");
  });

  it("creates a new user on every anonymous login", async () => {
    const a = await login();
    const b = await login();
    assert.notEqual(a.body.user_id, b.body.user_id);
  });

  it("serves the profile with the shape both SDKs parse", async () => {
    const { body } = await login();
    const res = await call(`${server.api}/auth/profile`, { token: body.access_token });
    assert.equal(res.status, 200);
    assert.equal(res.body.user_id, body.user_id);
    assert.equal(res.body.type, "normal");
    assert.deepEqual(res.body.data, {});
    assert.equal(res.body.identities.length, 1);
    assert.equal(res.body.identities[0].provider_type, "anon-user");
    assert.equal(typeof res.body.identities[0].id, "string");
    assert.equal(res.body.domain_id, claims(body.access_token).baas_domain_id);
  });

  it("refreshes with 201 and a new access token for the same session", async () => {
    const { body } = await login();
    server.clock.advance(1000);
    const res = await call(`${server.api}/auth/session`, { method: "POST", token: body.refresh_token });
    assert.equal(res.status, 201);
    const fresh = claims(res.body.access_token);
    assert.equal(fresh.iss, claims(body.access_token).iss);
    assert.equal(fresh.typ, "access");
    const profile = await call(`${server.api}/auth/profile`, { token: res.body.access_token });
    assert.equal(profile.status, 200);
  });

  it("rejects an expired access token with 401 InvalidSession, then refresh works", async () => {
    const { body } = await login();
    server.clock.advance(31 * 60 * 1000);
    const stale = await call(`${server.api}/auth/profile`, { token: body.access_token });
    assert.equal(stale.status, 401);
    assert.equal(stale.body.error_code, "InvalidSession");
    const refreshed = await call(`${server.api}/auth/session`, { method: "POST", token: body.refresh_token });
    assert.equal(refreshed.status, 201);
    assert.equal((await call(`${server.api}/auth/profile`, { token: refreshed.body.access_token })).status, 200);
  });

  it("logout revokes the session: refresh token and access tokens stop working", async () => {
    const { body } = await login();
    const out = await call(`${server.api}/auth/session`, { method: "DELETE", token: body.refresh_token });
    assert.equal(out.status, 204);
    assert.equal(out.headers.get("content-type"), null);
    assert.equal(out.text, "");
    const refresh = await call(`${server.api}/auth/session`, { method: "POST", token: body.refresh_token });
    assert.equal(refresh.status, 401);
    assert.equal(refresh.body.error_code, "InvalidSession");
    assert.match(refresh.body.error, /failed to find refresh token/);
    const profile = await call(`${server.api}/auth/profile`, { token: body.access_token });
    assert.equal(profile.status, 401);
    const twice = await call(`${server.api}/auth/session`, { method: "DELETE", token: body.refresh_token });
    assert.equal(twice.status, 401);
    assert.match(twice.body.error, /failed to find refresh token/);
  });

  it("deletes the calling user with 204 and no content type; its tokens die", async () => {
    const { body } = await login();
    const res = await call(`${server.api}/auth/delete`, { method: "DELETE", token: body.access_token });
    assert.equal(res.status, 204);
    assert.equal(res.headers.get("content-type"), null);
    assert.equal((await call(`${server.api}/auth/profile`, { token: body.access_token })).status, 401);
    const refresh = await call(`${server.api}/auth/session`, { method: "POST", token: body.refresh_token });
    assert.equal(refresh.status, 401);
    const events = await server.listAuditEvents({ clientAppId: APP, type: "delete", userId: body.user_id });
    assert.equal(events.length, 1);
  });

  it("refuses a refresh token after its lifetime", async () => {
    const { body } = await login();
    const refresh = claims(body.refresh_token);
    assert.ok(refresh.exp - refresh.iat >= 5_184_000);
    server.clock.advance((refresh.exp - refresh.iat + 1) * 1000);
    const res = await call(`${server.api}/auth/session`, { method: "POST", token: body.refresh_token });
    assert.equal(res.status, 401);
    assert.equal(res.body.error_code, "InvalidSession");
  });
});
