import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { isRegistrableEmail } from "../../src/auth/userpass/email-address.js";
import { newObjectId } from "../../src/ids.js";
import { call, confirmApp, startTestServer, type TestServer } from "../helpers/server.js";

const route = (server: TestServer, app: string, sub: string) => `${server.api}/app/${app}/auth/providers/local-userpass/${sub}`;

describe("register: NFC and email syntax", () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.close());
  const register = (email: string) => call(route(server, "todo-gatehouse", "register"), { body: { email, password: "secret1" } });

  it("one account per address, whichever Unicode normalisation the client sends", async () => {
    const decomposed = "jose\u0301@example.com";
    const composed = "jos\u00e9@example.com";
    assert.equal((await register(decomposed)).status, 201);
    const again = await register(composed);
    assert.equal(again.status, 409);
    assert.equal(again.body.reason, "accountNameInUse");
    for (const username of [composed, decomposed]) {
      const login = await call(route(server, "todo-gatehouse", "login"), { body: { username, password: "secret1" } });
      assert.equal(login.status, 200, JSON.stringify(username));
    }
    const profile = await call(`${server.api}/auth/profile`, {
      token: (await call(route(server, "todo-gatehouse", "login"), { body: { username: composed, password: "secret1" } })).body
        .access_token,
    });
    assert.equal(profile.body.data.email, composed, "stored in NFC");
  });

  it("refuses display names, comments, lists, NUL, bidi controls and other look-alikes", async () => {
    for (const email of [
      "Victim <thief@evil.example>",
      "victim@example.com <thief@evil.example>",
      "thief@evil.example (victim@example.com)",
      "a@example.com, b@example.com",
      "a@example.com;b@example.com",
      '"quoted local"@example.com',
      "nul\u0000@example.com",
      "bidi\u202e@example.com",
      "iso\u2066late@example.com",
      "zero\u200bwidth@example.com",
      "new\nline@example.com",
      "a..b@example.com",
      ".a@example.com",
      "a@localhost",
      "a@[127.0.0.1]",
      "a@-example.com",
      "a@@example.com",
      `${"l".repeat(65)}@example.com`,
    ]) {
      const res = await register(email);
      assert.equal(res.status, 400, JSON.stringify(email));
      assert.equal(res.body.reason, "emailInvalid", JSON.stringify(email));
    }
  });

  it("accepts ordinary and international addresses", () => {
    for (const email of ["o'brien+tag@example.co.uk", "first.last@sub.example.com", "josé@exämple.de", "用户@例子.广告", "x_y-z@a-b.io"]) {
      assert.ok(isRegistrableEmail(email), email);
    }
  });
});

describe("function flows check the mode before looking the address up", () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
    await call(route(server, "todo-gatehouse", "register"), { body: { email: "exists@example.com", password: "secret1" } });
  });
  after(() => server.close());

  for (const [sub, body, reason] of [
    // The todo app confirms automatically, which App Services named first (docs/protocol-notes.md F11).
    ["confirm/call", {}, "autoConfirmEnabled"],
    ["reset/call", { password: "newsecret", arguments: [] }, "resetNotByFunction"],
  ] as const) {
    it(`${sub} answers alike for known and unknown addresses when the app does not use functions`, async () => {
      const known = await call(route(server, "todo-gatehouse", sub), { body: { email: "exists@example.com", ...body } });
      const unknown = await call(route(server, "todo-gatehouse", sub), { body: { email: "nobody@example.com", ...body } });
      assert.equal(known.status, 400);
      assert.deepEqual([unknown.status, unknown.body.reason], [known.status, known.body.reason]);
      assert.equal(known.body.reason, reason);
    });
  }
});

describe("without SMTP, mail routes answer alike for every address", () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({ apps: [confirmApp] });
    // A pending account, as one registered while mail still worked.
    await server.services.store.accounts.create({
      id: newObjectId(),
      appId: "confirm-app",
      email: "pending@example.com",
      emailKey: "pending@example.com",
      passwordHash: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA",
      confirmed: false,
      createdAt: server.clock.now(),
    });
  });
  after(() => server.close());

  for (const sub of ["reset/send", "confirm/send"]) {
    it(`${sub}`, async () => {
      const known = await call(route(server, "confirm-app", sub), { body: { email: "pending@example.com" } });
      const unknown = await call(route(server, "confirm-app", sub), { body: { email: "nobody@example.com" } });
      assert.equal(known.status, 400);
      assert.equal(known.body.reason, "mailNotConfigured");
      assert.deepEqual([unknown.status, unknown.body.reason, unknown.body.error], [known.status, known.body.reason, known.body.error]);
    });
  }
});
