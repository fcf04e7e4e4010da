import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { call, confirmApp, todoApp } from "../helpers/server.js";
import { useMailServer } from "../helpers/mail-server.js";
import { linkTokens } from "../helpers/smtp.js";

describe("email/password: register, confirm, reset, login", () => {
  const ctx = useMailServer({ apps: [todoApp, confirmApp] });

  const route = (app: string, sub: string) => `${ctx.server.api}/app/${app}/auth/providers/local-userpass/${sub}`;
  const register = (app: string, email: string, password: string) => call(route(app, "register"), { body: { email, password } });
  const login = (app: string, username: string, password: string) => call(route(app, "login"), { body: { username, password } });

  it("auto-confirm: register answers 201 with no body and no content type; login works", async () => {
    const res = await register("todo-gatehouse", "auto@example.com", "secret1");
    assert.equal(res.status, 201);
    assert.equal(res.text, "");
    assert.equal(res.headers.get("content-type"), null);
    const session = await login("todo-gatehouse", "auto@example.com", "secret1");
    assert.equal(session.status, 200);
    const profile = await call(`${ctx.server.api}/auth/profile`, { token: session.body.access_token });
    assert.equal(profile.body.data.email, "auto@example.com");
    assert.equal(profile.body.identities[0].provider_type, "local-userpass");
    assert.deepEqual(profile.body.identities[0].provider_data, { email: "auto@example.com" });
  });

  it("logs the same user in again: one user per identity", async () => {
    await register("todo-gatehouse", "again@example.com", "secret1");
    const a = await login("todo-gatehouse", "again@example.com", "secret1");
    const b = await login("todo-gatehouse", "again@example.com", "secret1");
    assert.equal(a.body.user_id, b.body.user_id);
  });

  it("refuses a taken email with 409 AccountNameInUse", async () => {
    await register("todo-gatehouse", "taken@example.com", "secret1");
    const res = await register("todo-gatehouse", "taken@example.com", "other12");
    assert.equal(res.status, 409);
    assert.equal(res.body.error_code, "AccountNameInUse");
    assert.equal(res.body.reason, "accountNameInUse");
    assert.equal(res.body.error, "name already in use");
  });

  it("compares emails exactly by default (App Services did)", async () => {
    await register("todo-gatehouse", "Case@example.com", "secret1");
    assert.equal((await login("todo-gatehouse", "case@example.com", "secret1")).status, 401);
    assert.equal((await register("todo-gatehouse", "case@example.com", "secret1")).status, 201);
  });

  it("enforces 6 to 128 characters", async () => {
    for (const password of ["12345", "x".repeat(129)]) {
      const res = await register("todo-gatehouse", `len${password.length}@example.com`, password);
      assert.equal(res.status, 400);
      assert.equal(res.body.error, "password must be between 6 and 128 characters");
    }
    assert.equal((await register("todo-gatehouse", "len128@example.com", "x".repeat(128))).status, 201);
  });

  it("refuses wrong passwords and unknown users alike with 401 InvalidPassword `unauthorized`, each audited", async () => {
    await register("todo-gatehouse", "wrong@example.com", "secret1");
    // Earlier tests left failed logins in the log too: only the events these two requests add count.
    const before = (await ctx.server.listAuditEvents({ clientAppId: "todo-gatehouse", type: "login" })).length;
    const wrong = await login("todo-gatehouse", "wrong@example.com", "secret2");
    const unknown = await login("todo-gatehouse", "nobody@example.com", "secret1");
    for (const res of [wrong, unknown]) {
      assert.equal(res.status, 401);
      assert.equal(res.body.error_code, "InvalidPassword");
      assert.equal(res.body.error, "unauthorized");
      assert.equal(res.body.reason, "invalidPassword");
    }
    const added = (await ctx.server.listAuditEvents({ clientAppId: "todo-gatehouse", type: "login" })).slice(before);
    assert.deepEqual(
      added.map((e) => [e.result, e.provider, e.userId]),
      [
        ["invalidPassword", "local-userpass", null],
        ["invalidPassword", "local-userpass", null],
      ],
    );
  });

  it("checks field presence and types", async () => {
    const missing = await call(route("todo-gatehouse", "register"), { body: { email: "x@example.com" } });
    assert.equal(missing.status, 400);
    assert.equal(missing.body.error_code, "MissingParameter");
    const wrongType = await call(route("todo-gatehouse", "register"), { body: { email: "x@example.com", password: 123456 } });
    assert.equal(wrongType.status, 400);
    assert.equal(wrongType.body.error_code, "InvalidParameter");
    const ejsonNumber = await call(route("todo-gatehouse", "login"), {
      body: { username: "x@example.com", password: { $numberInt: "123456" } },
    });
    assert.equal(ejsonNumber.status, 400);
    const notObject = await call(route("todo-gatehouse", "register"), { body: [1, 2] });
    assert.equal(notObject.status, 400);
    const badEmail = await register("todo-gatehouse", "no-at-sign", "secret1");
    assert.equal(badEmail.status, 400);
  });

  it("confirmation by mail: pending login refused, link confirms, token single use", async () => {
    const email = "pending@example.com";
    const since = ctx.mail.messages.length;
    assert.equal((await register("confirm-app", email, "secret1")).status, 201);
    const refused = await login("confirm-app", email, "secret1");
    assert.equal(refused.status, 401);
    assert.equal(refused.body.error_code, "AuthError");
    assert.match(refused.body.error, /confirmation required/);
    const message = await ctx.mail.waitFor(email, since);
    assert.match(message.raw, /Subject: Confirm your Confirm-App account/);
    const { token, tokenId, url } = linkTokens(message);
    assert.equal(url.origin + url.pathname, "http://localhost:3000/confirm");
    const bad = await call(route("confirm-app", "confirm"), { body: { token: token + "x", tokenId } });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.error, "invalid token data");
    const ok = await call(route("confirm-app", "confirm"), { body: { token, tokenId } });
    assert.equal(ok.status, 204);
    assert.equal((await call(route("confirm-app", "confirm"), { body: { token, tokenId } })).status, 400);
    assert.equal((await login("confirm-app", email, "secret1")).status, 200);
    const already = await call(route("confirm-app", "confirm/send"), { body: { email } });
    assert.equal(already.status, 400);
    assert.equal(already.body.error_code, "UserAlreadyConfirmed");
    assert.equal(already.body.reason, "alreadyConfirmed");
  });

  it("resends confirmation; the older link dies; unknown email is 404 UserNotFound", async () => {
    const email = "resend@example.com";
    let since = ctx.mail.messages.length;
    await register("confirm-app", email, "secret1");
    const first = linkTokens(await ctx.mail.waitFor(email, since));
    since = ctx.mail.messages.length;
    assert.equal((await call(route("confirm-app", "confirm/send"), { body: { email } })).status, 204);
    const second = linkTokens(await ctx.mail.waitFor(email, since));
    assert.notEqual(first.token, second.token);
    assert.equal((await call(route("confirm-app", "confirm"), { body: first })).status, 400);
    assert.equal((await call(route("confirm-app", "confirm"), { body: { token: second.token, tokenId: second.tokenId } })).status, 204);
    const unknown = await call(route("confirm-app", "confirm/send"), { body: { email: "ghost@example.com" } });
    assert.equal(unknown.status, 404);
    assert.equal(unknown.body.error_code, "UserNotFound");
  });

  it("expires confirmation links after 30 minutes", async () => {
    const email = "late@example.com";
    const since = ctx.mail.messages.length;
    await register("confirm-app", email, "secret1");
    const link = linkTokens(await ctx.mail.waitFor(email, since));
    ctx.server.clock.advance(31 * 60 * 1000);
    assert.equal((await call(route("confirm-app", "confirm"), { body: { token: link.token, tokenId: link.tokenId } })).status, 400);
  });

  it("resets a password by mail; old password and old sessions die", async () => {
    const email = "reset@example.com";
    await register("todo-gatehouse", email, "before1");
    const before = await login("todo-gatehouse", email, "before1");
    const since = ctx.mail.messages.length;
    assert.equal((await call(route("todo-gatehouse", "reset/send"), { body: { email } })).status, 204);
    const message = await ctx.mail.waitFor(email, since);
    const { token, tokenId, url } = linkTokens(message);
    assert.equal(url.pathname, "/reset");
    const short = await call(route("todo-gatehouse", "reset"), { body: { token, tokenId, password: "abc" } });
    assert.equal(short.status, 400);
    const ok = await call(route("todo-gatehouse", "reset"), { body: { token, tokenId, password: "after12" } });
    assert.equal(ok.status, 204);
    assert.equal((await login("todo-gatehouse", email, "before1")).status, 401);
    assert.equal((await login("todo-gatehouse", email, "after12")).status, 200);
    assert.equal((await call(`${ctx.server.api}/auth/session`, { method: "POST", token: before.body.refresh_token })).status, 401);
    assert.equal((await call(route("todo-gatehouse", "reset"), { body: { token, tokenId, password: "again12" } })).status, 400);
    const unknown = await call(route("todo-gatehouse", "reset/send"), { body: { email: "ghost@example.com" } });
    assert.equal(unknown.status, 404);
    assert.equal(unknown.body.error_code, "UserNotFound");
  });

  it("ignores an Authorization header on the public routes (realm-web sends one)", async () => {
    const res = await call(route("todo-gatehouse", "register"), {
      token: "expired.or.garbage",
      body: { email: "withtoken@example.com", password: "secret1" },
    });
    assert.equal(res.status, 201);
  });

  it("deleting a user frees nothing but its own account: the email can register again", async () => {
    const email = "gone@example.com";
    await register("todo-gatehouse", email, "secret1");
    const s = await login("todo-gatehouse", email, "secret1");
    assert.equal((await call(`${ctx.server.api}/auth/delete`, { method: "DELETE", token: s.body.access_token })).status, 204);
    const after = await login("todo-gatehouse", email, "secret1");
    assert.equal(after.status, 401);
    assert.equal(after.body.error_code, "InvalidPassword");
    assert.equal((await register("todo-gatehouse", email, "secret1")).status, 201);
  });

  it("links email/password onto an anonymous user, keeping the session", async () => {
    const anon = (await call(`${ctx.server.api}/app/todo-gatehouse/auth/providers/anon-user/login`, { body: {} })).body;
    await register("todo-gatehouse", "linked@example.com", "secret1");
    const link = await call(`${route("todo-gatehouse", "login")}?link=true`, {
      token: anon.access_token,
      body: { username: "linked@example.com", password: "secret1" },
    });
    assert.equal(link.status, 200);
    assert.equal(link.body.user_id, anon.user_id);
    const profile = await call(`${ctx.server.api}/auth/profile`, { token: link.body.access_token });
    assert.deepEqual(
      profile.body.identities.map((i: any) => i.provider_type),
      ["anon-user", "local-userpass"],
    );
    assert.equal((await call(`${ctx.server.api}/auth/session`, { method: "POST", token: anon.refresh_token })).status, 201);
    const direct = await login("todo-gatehouse", "linked@example.com", "secret1");
    assert.equal(direct.body.user_id, anon.user_id);
    const other = (await call(`${ctx.server.api}/app/todo-gatehouse/auth/providers/anon-user/login`, { body: {} })).body;
    const stolen = await call(`${route("todo-gatehouse", "login")}?link=true`, {
      token: other.access_token,
      body: { username: "linked@example.com", password: "secret1" },
    });
    // 409, not App Services' 401 InvalidSession: realm-web would refresh and retry that forever.
    assert.equal(stolen.status, 409);
    assert.equal(stolen.body.error_code, "AccountNameInUse");
    assert.equal(stolen.body.reason, "identityInUse");
  });
});
