/** Pending registrations over the admin API (PROTOCOL.md §11.2): list, confirm, resend, run the function, delete. */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { functionsApp, FUNCTION_LIMITS } from "../functions-http/helpers.js";
import { call, confirmApp, todoApp } from "../helpers/server.js";
import { MailCatcher } from "../helpers/smtp.js";
import { assertError, startAdminServer, type AdminTestServer } from "./helpers.js";

describe("admin pending registrations", () => {
  let server: AdminTestServer;
  let mail: MailCatcher;
  before(async () => {
    mail = await new MailCatcher().start();
    server = await startAdminServer({
      apps: [confirmApp, functionsApp, todoApp],
      config: { smtp: mail.settings, functions: FUNCTION_LIMITS },
    });
  });
  after(async () => {
    await server.close();
    await mail.stop();
  });

  const register = async (app: string, email: string) => {
    const res = await call(`${server.api}/app/${app}/auth/providers/local-userpass/register`, { body: { email, password: "secret-pw" } });
    assert.equal(res.status, 201, res.text);
  };
  const login = (app: string, email: string) =>
    call(`${server.api}/app/${app}/auth/providers/local-userpass/login`, { body: { username: email, password: "secret-pw" } });
  const reg = (app: string, path: string, method = "POST") =>
    server.adminCall(server.appPath(app, `/user_registrations${path}`), { method });

  it("lists pending registrations in keyset pages with App Services' shape", async () => {
    const emails = ["p1@example.com", "p2@example.com", "p3@example.com"];
    for (const email of emails) await register("confirm-app", email);
    const all = await reg("confirm-app", "/pending_users", "GET");
    assert.equal(all.status, 200);
    assert.deepEqual(
      all.body.map((p: any) => p.login_ids[0].id),
      emails,
    );
    assert.equal(all.body[0].user_id, "");
    assert.equal(all.body[0].login_ids[0].id_type, "email");
    assert.match(all.body[0]._id, /^[0-9a-f]{24}$/);
    const page = await reg("confirm-app", `/pending_users?limit=2&after=${all.body[0]._id}`, "GET");
    assert.deepEqual(
      page.body.map((p: any) => p.login_ids[0].id),
      emails.slice(1),
    );
    assertError(await reg("confirm-app", "/pending_users?after=zz", "GET"), 400, "InvalidParameter");
  });

  it("confirm (204) lets the user log in; a confirmed or unknown email is refused", async () => {
    await register("confirm-app", "c1@example.com");
    assertError(await login("confirm-app", "c1@example.com"), 401, "AuthError", "confirmationRequired");
    assert.equal((await reg("confirm-app", "/by_email/c1%40example.com/confirm")).status, 204);
    assert.equal((await login("confirm-app", "c1@example.com")).status, 200);
    assertError(await reg("confirm-app", "/by_email/c1%40example.com/confirm"), 400, "UserAlreadyConfirmed", "alreadyConfirmed");
    assertError(await reg("confirm-app", "/by_email/nobody%40example.com/confirm"), 404, "UserNotFound", "userNotFound");
    const [event] = await server.listAuditEvents({ clientAppId: "confirm-app", type: "confirm" });
    assert.equal(event?.actor, "test-operator");
  });

  it("send_confirm mails a new link (200)", async () => {
    await register("confirm-app", "s1@example.com");
    await mail.waitForNth("s1@example.com", 1);
    const res = await reg("confirm-app", "/by_email/s1%40example.com/send_confirm");
    assert.equal(res.status, 200, res.text);
    await mail.waitForNth("s1@example.com", 2);
  });

  it("run_confirm runs the confirmation function again (202); 400 where the app confirms by mail", async () => {
    await register("functions-app", "pending-rc@example.com");
    const decisions = server.services.functions
      .dataService(server.services.apps.get("functions-app")!, "mongodb-atlas")!
      .collection("app", "decisions");
    await decisions.insertOne({ username: "pending-rc@example.com", status: "success" });
    const res = await reg("functions-app", "/by_email/pending-rc%40example.com/run_confirm");
    assert.equal(res.status, 202, res.text);
    assert.equal((await login("functions-app", "pending-rc@example.com")).status, 200);
    await register("confirm-app", "rc2@example.com");
    assertError(await reg("confirm-app", "/by_email/rc2%40example.com/run_confirm"), 400, "BadRequest", "confirmNotByFunction");
  });

  it("delete removes the registration (204): the address can register again", async () => {
    await register("confirm-app", "d1@example.com");
    assert.equal((await reg("confirm-app", "/by_email/d1%40example.com", "DELETE")).status, 204);
    const list = await reg("confirm-app", "/pending_users", "GET");
    assert.ok(!list.body.some((p: any) => p.login_ids[0].id === "d1@example.com"));
    await register("confirm-app", "d1@example.com");
    assertError(await reg("confirm-app", "/by_email/unknown%40example.com", "DELETE"), 404, "UserNotFound");
  });

  it("needs an admin token, the right group and a known app", async () => {
    assertError(
      await server.adminCall(server.appPath("confirm-app", "/user_registrations/pending_users"), { token: null }),
      401,
      "MissingAuthReq",
    );
    assertError(
      await server.adminCall(`/groups/${"f".repeat(24)}/apps/confirm-app/user_registrations/pending_users`),
      404,
      "NotFound",
      "groupNotFound",
    );
    assertError(await server.adminCall(server.appPath("nope", "/user_registrations/pending_users")), 404, "AppNotFound");
  });
});
