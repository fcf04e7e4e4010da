import assert from "node:assert/strict";
import { createHmac, generateKeyPairSync } from "node:crypto";
import { after, before, describe, it } from "node:test";
import { SignJWT } from "jose";
import { secondApp, call, jwtClaims, startTestServer, todoApp, type TestServer } from "../helpers/server.js";

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");

describe("every way a token can be wrong is a 401 InvalidSession", () => {
  let server: TestServer;
  let good: { access_token: string; refresh_token: string; user_id: string };
  let other: { access_token: string; refresh_token: string };
  before(async () => {
    server = await startTestServer({ apps: [todoApp, secondApp] });
    good = (await call(`${server.api}/app/todo-gatehouse/auth/providers/anon-user/login`, { body: {} })).body;
    other = (await call(`${server.api}/app/second-app/auth/providers/anon-user/login`, { body: {} })).body;
  });
  after(() => server.close());

  const profile = (token: string) => call(`${server.api}/auth/profile`, { token });
  const refresh = (token: string) => call(`${server.api}/auth/session`, { method: "POST", token });

  async function assertInvalid(res: Promise<{ status: number; body: any; headers: Headers }>, message?: RegExp) {
    const r = await res;
    assert.equal(r.status, 401);
    assert.equal(r.body.error_code, "InvalidSession");
    assert.equal(r.headers.get("content-type"), "application/json");
    if (message) assert.match(r.body.error, message);
  }

  it("accepts the genuine tokens", async () => {
    assert.equal((await profile(good.access_token)).status, 200);
    assert.equal((await refresh(good.refresh_token)).status, 201);
  });

  it("refuses a refresh token as an access token and the reverse (typ)", async () => {
    await assertInvalid(profile(good.refresh_token), /incorrect token type/);
    await assertInvalid(refresh(good.access_token), /invalid refresh token: incorrect token type/);
  });

  it("refuses a tampered payload", async () => {
    const [h, , s] = good.access_token.split(".");
    const payload = { ...jwtClaims(good.access_token, 1), sub: "000000000000000000000001" };
    await assertInvalid(profile(`${h}.${b64(payload)}.${s}`));
  });

  it("refuses a tampered signature", async () => {
    const [h, p, s] = good.access_token.split(".");
    const flipped = (s![0] === "A" ? "B" : "A") + s!.slice(1);
    await assertInvalid(profile(`${h}.${p}.${flipped}`));
  });

  it("refuses alg none", async () => {
    const payload = jwtClaims(good.access_token, 1);
    await assertInvalid(profile(`${b64({ alg: "none", typ: "JWT", kid: "k1" })}.${b64(payload)}.`));
    await assertInvalid(profile(`${b64({ alg: "none", typ: "JWT", kid: "k1" })}.${b64(payload)}.x`));
  });

  it("refuses another algorithm even with a valid MAC (HS512 with the same key is not HS256)", async () => {
    const payload = jwtClaims(good.access_token, 1);
    const header = b64({ alg: "HS512", typ: "JWT", kid: "k1" });
    const mac = createHmac("sha512", "wrong-key-we-do-not-know")
      .update(`${header}.${b64(payload)}`)
      .digest("base64url");
    await assertInvalid(profile(`${header}.${b64(payload)}.${mac}`));
  });

  it("refuses an RS256 token signed by an attacker's key (algorithm confusion)", async () => {
    const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
    const forged = await new SignJWT(jwtClaims(good.access_token, 1)).setProtectedHeader({ alg: "RS256", kid: "k1" }).sign(privateKey);
    await assertInvalid(profile(forged));
  });

  it("refuses a token signed with a key the app does not have", async () => {
    const forged = await new SignJWT(jwtClaims(good.access_token, 1))
      .setProtectedHeader({ alg: "HS256", kid: "k1" })
      .sign(new TextEncoder().encode("an-attacker-chosen-secret-of-32-characters!!"));
    await assertInvalid(profile(forged));
    const unknownKid = await new SignJWT(jwtClaims(good.access_token, 1))
      .setProtectedHeader({ alg: "HS256", kid: "k9" })
      .sign(new TextEncoder().encode("an-attacker-chosen-secret-of-32-characters!!"));
    await assertInvalid(profile(unknownKid));
  });

  it("refuses a token re-labelled for another app (its key differs)", async () => {
    const [h, , s] = other.access_token.split(".");
    const relabelled = { ...jwtClaims(other.access_token, 1), gh_app: "todo-gatehouse" };
    await assertInvalid(profile(`${h}.${b64(relabelled)}.${s}`));
  });

  it("serves each app's genuine tokens on the shared /auth routes", async () => {
    const res = await profile(other.access_token);
    assert.equal(res.status, 200);
    assert.notEqual(res.body.domain_id, (await profile(good.access_token)).body.domain_id);
  });

  it("refuses a token of another app on an app route (link)", async () => {
    const res = await call(`${server.api}/app/todo-gatehouse/auth/providers/anon-user/login?link=true`, {
      token: other.access_token,
      body: {},
    });
    assert.equal(res.status, 403);
    assert.equal(res.body.error_code, "UserAppDomainMismatch");
    assert.equal(res.body.reason, "appMismatch");
  });

  it("refuses garbage, empty and non-JWT bearer values", async () => {
    await assertInvalid(profile("not-a-jwt"));
    await assertInvalid(profile("a.b.c"));
    await assertInvalid(profile(`${b64({ alg: "HS256" })}.${b64({})}.sig`));
  });

  it("answers a missing Authorization header with 401 MissingAuthReq (no refresh loop)", async () => {
    const res = await call(`${server.api}/auth/profile`);
    assert.equal(res.status, 401);
    assert.equal(res.body.error_code, "MissingAuthReq");
    assert.equal(res.body.reason, "missingAuth");
    const basic = await call(`${server.api}/auth/profile`, { headers: { authorization: "Basic Zm9vOmJhcg==" } });
    assert.equal(basic.status, 401);
    assert.equal(basic.body.error_code, "MissingAuthReq");
    assert.equal(basic.body.reason, "notBearer");
  });

  it("refuses an expired access token and accepts one issued a moment ago (no clock skew loop)", async () => {
    const fresh = (await call(`${server.api}/app/todo-gatehouse/auth/providers/anon-user/login`, { body: {} })).body;
    assert.equal((await profile(fresh.access_token)).status, 200);
    server.clock.advance(30 * 60 * 1000 + 1000);
    await assertInvalid(profile(fresh.access_token), /expired/);
    const renewed = await refresh(fresh.refresh_token);
    assert.equal(renewed.status, 201);
    assert.equal((await profile(renewed.body.access_token)).status, 200);
  });

  it("ends every token of a disabled user, and of a user logged out by an admin", async () => {
    const a = (await call(`${server.api}/app/todo-gatehouse/auth/providers/anon-user/login`, { body: {} })).body;
    await server.admin.disableUser("todo-gatehouse", a.user_id);
    await assertInvalid(profile(a.access_token));
    await assertInvalid(refresh(a.refresh_token));
    await server.admin.enableUser("todo-gatehouse", a.user_id);
    await assertInvalid(profile(a.access_token), undefined);
    const b = (await call(`${server.api}/app/todo-gatehouse/auth/providers/anon-user/login`, { body: {} })).body;
    await server.admin.logoutUser("todo-gatehouse", b.user_id);
    await assertInvalid(profile(b.access_token));
    await assertInvalid(refresh(b.refresh_token));
  });
});
