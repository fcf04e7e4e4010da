import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { TestClock } from "../../src/index.js";
import { call, jwtClaims, startTestServer, type TestServer } from "../helpers/server.js";

const APP = "todo-gatehouse";
const k1 = { kid: "2026-01", secret: "first-signing-secret-0123456789abcdef" };
const k2 = { kid: "2026-12", secret: "second-signing-secret-0123456789abcdef" };
const REFRESH_LIFETIME_S = 7200;

/**
 * The rotation procedure of docs/deploying.md, step by step, each step a restart on the same database
 * (as a rolling deploy of each instance does): (1) add the new key first in the list (it verifies; the
 * last key still signs), (2) move it last (it signs), (3) once every token of the old key has expired,
 * remove it. Nobody is logged out on the way.
 */
describe("signing-key rotation without logging anyone out", () => {
  let dir: string;
  const clock = new TestClock();
  let server: TestServer | undefined;
  const start = async (keys: { kid: string; secret: string }[]) => {
    await server?.close();
    server = await startTestServer({
      db: `sqlite:${join(dir, "g.db")}`,
      clock,
      config: { apps: { [APP]: { signingKeys: keys } }, sessions: { refreshTokenLifetimeSeconds: REFRESH_LIFETIME_S } },
    });
    return server;
  };
  const login = async (s: TestServer) => {
    const res = await call(`${s.api}/app/${APP}/auth/providers/local-userpass/login`, {
      body: { username: "rotation@example.com", password: "rotation-password" },
    });
    assert.equal(res.status, 200, res.text);
    return res.body as { access_token: string; refresh_token: string };
  };
  const profile = async (s: TestServer, token: string) => (await call(`${s.api}/auth/profile`, { token })).status;
  const refresh = async (s: TestServer, token: string) => call(`${s.api}/auth/session`, { method: "POST", token });

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "gatehouse-rotation-"));
  });
  after(async () => {
    await server?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("add, sign with the new key, old tokens verify until they expire, remove the old key", async () => {
    let s = await start([k1]);
    const reg = await call(`${s.api}/app/${APP}/auth/providers/local-userpass/register`, {
      body: { email: "rotation@example.com", password: "rotation-password" },
    });
    assert.equal(reg.status, 201);
    const old = await login(s);
    assert.equal(jwtClaims(old.access_token, 0).kid, k1.kid);

    // 1. The new key is added where it only verifies: instances not yet restarted still sign with k1.
    s = await start([k2, k1]);
    assert.equal(jwtClaims((await login(s)).access_token, 0).kid, k1.kid);
    assert.equal(await profile(s, old.access_token), 200);

    // 2. Every instance knows k2: it signs from now on; tokens of k1 keep working.
    s = await start([k1, k2]);
    const fresh = await login(s);
    assert.equal(jwtClaims(fresh.access_token, 0).kid, k2.kid);
    assert.equal(jwtClaims(fresh.refresh_token, 0).kid, k2.kid);
    assert.equal(await profile(s, old.access_token), 200, "an old access token still verifies");
    const renewed = await refresh(s, old.refresh_token);
    assert.equal(renewed.status, 201, "an old refresh token still refreshes");
    assert.equal(jwtClaims(renewed.body.access_token, 0).kid, k2.kid, "and the new access token is signed with k2");

    // A token signed with a key the server does not know is refused, whatever it claims.
    s = await start([k2]);
    assert.equal((await refresh(s, old.refresh_token)).body.reason, "tokenKeyUnknown", "removing k1 early would log old sessions out");

    // 3. Past the refresh-token lifetime every k1 token has expired: removing k1 logs nobody out.
    s = await start([k1, k2]);
    clock.advance(REFRESH_LIFETIME_S * 1000 + 1000);
    assert.equal((await refresh(s, old.refresh_token)).body.reason, "tokenExpired");
    const current = await login(s);
    s = await start([k2]);
    assert.equal(await profile(s, current.access_token), 200);
    assert.equal((await refresh(s, current.refresh_token)).status, 201);
  });
});
