/**
 * App Services' exact answers where clients read them, asserted through realm-web@2.0.1: the failed
 * email/password login, the function-mode and auto-confirm wordings of the email/password routes, and
 * AuthProviderNotFound for every route of a provider this build does not serve. Evidence for each is in
 * docs/protocol-notes.md (F10–F12).
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import * as Realm from "realm-web";
import { functionsApp } from "../../packages/server/test/functions-http/helpers.js";
import { socialApp, startTestServer, todoApp, type TestServer } from "../../packages/server/test/helpers/server.js";
import { IsolatedStorage, TODO_APP, newApp, recordingFetch, rejectsRealm, uniqueEmail } from "./helpers.js";

const SOCIAL_APP = "social-app";
const FUNCTIONS_APP = "functions-app";

let server: TestServer;
before(async () => {
  server = await startTestServer({ apps: [todoApp, functionsApp, socialApp] });
});
after(async () => {
  await server.close();
});

const refreshes = (requests: { path: string }[]) => requests.filter((r) => r.path.endsWith("/auth/session")).length;

describe("a failed email/password login", () => {
  test("is 401 InvalidPassword `unauthorized` for a wrong password and an unknown user, with no refresh", async () => {
    const { app, requests } = newApp(server, TODO_APP);
    // Logged in as someone else: realm-web still must not refresh, because a login sends no token.
    const anon = await app.logIn(Realm.Credentials.anonymous());
    const email = uniqueEmail("exact");
    await app.emailPasswordAuth.registerUser({ email, password: "password1" });
    for (const credentials of [
      Realm.Credentials.emailPassword(email, "password2"),
      Realm.Credentials.emailPassword(uniqueEmail("nobody"), "password1"),
    ]) {
      const error = await rejectsRealm(app.logIn(credentials), { errorCode: "InvalidPassword", statusCode: 401, error: "unauthorized" });
      assert.match(error.message, /unauthorized/);
    }
    assert.equal(refreshes(requests), 0);
    assert.equal(app.currentUser, anon);
  });

  test("keeps `invalid username/password` on a link, which carries an access token, and ends after one request", async () => {
    const { app, requests } = newApp(server, TODO_APP);
    const anon = await app.logIn(Realm.Credentials.anonymous());
    const from = requests.length;
    await rejectsRealm(anon.linkCredentials(Realm.Credentials.emailPassword(uniqueEmail("nolink"), "password1")), {
      errorCode: "InvalidPassword",
      statusCode: 401,
      error: "invalid username/password",
    });
    assert.equal(requests.length - from, 1, "one link request, no refresh and retry");
  });

  test("finding: had the link answered `unauthorized`, realm-web would refresh and retry it forever", async () => {
    // The server's real answer to a failed link, with only the wording changed on the way to realm-web.
    const { fetch: recorder, requests } = recordingFetch(server.url, 12);
    const rewording = (async (input: string, init?: Parameters<typeof recorder>[1]) => {
      const response = (await recorder(input, init)) as unknown as Response;
      if (!String(input).includes("link=true") || response.status !== 401) return response;
      const body = (await response.json()) as { error_code: string };
      return new Response(JSON.stringify({ ...body, error: "unauthorized" }), {
        status: 401,
        headers: { "content-type": "application/json" },
      });
    }) as unknown as typeof recorder;
    const app = new Realm.App({ id: TODO_APP, baseUrl: server.url, storage: new IsolatedStorage(), fetch: rewording });
    const anon = await app.logIn(Realm.Credentials.anonymous());
    await assert.rejects(anon.linkCredentials(Realm.Credentials.emailPassword(uniqueEmail("loop"), "password1")), /retry loop/);
    assert.ok(refreshes(requests) >= 4, "refresh, retry, refresh, retry, …");
  });
});

describe("email/password routes in the app's mode", () => {
  test("confirm/call on an auto-confirming app names it, before `already confirmed` and before the user lookup", async () => {
    const { app } = newApp(server, TODO_APP);
    const email = uniqueEmail("auto");
    await app.emailPasswordAuth.registerUser({ email, password: "password1" });
    for (const address of [email, uniqueEmail("unknown")]) {
      await rejectsRealm(app.emailPasswordAuth.retryCustomConfirmation({ email: address }), {
        errorCode: "BadRequest",
        statusCode: 400,
        error: `cannot run confirmation for ${address}: automatic confirmation is enabled`,
      });
    }
  });

  test("reset/send on an app that resets through a function asks for the function", async () => {
    const { app } = newApp(server, FUNCTIONS_APP);
    for (const email of [uniqueEmail("resetfn"), uniqueEmail("unknown")]) {
      await rejectsRealm(app.emailPasswordAuth.sendResetPasswordEmail({ email }), {
        errorCode: "BadRequest",
        statusCode: 400,
        error: "please use reset password via function",
      });
    }
  });
});

describe("providers the app does not enable, or this build does not serve", () => {
  const notFound = { errorCode: "AuthProviderNotFound", statusCode: 404 } as const;

  test("every credential of a provider the app does not enable logs in to 404 AuthProviderNotFound", async () => {
    const { app } = newApp(server, TODO_APP);
    for (const credentials of [
      Realm.Credentials.jwt("header.payload.signature"),
      Realm.Credentials.google({ idToken: "id-token" }),
      Realm.Credentials.google({ authCode: "auth-code" }),
      Realm.Credentials.apple("id-token"),
      Realm.Credentials.facebook("access-token"),
    ]) {
      await rejectsRealm(app.logIn(credentials), { ...notFound, error: `authentication via '${credentials.providerName}' is unsupported` });
    }
  });

  test("the OAuth2 redirect link realm-web sends (GET …/login?link=true) for such a provider is 404 AuthProviderNotFound", async () => {
    const { app, requests } = newApp(server, TODO_APP);
    const anon = await app.logIn(Realm.Credentials.anonymous());
    const from = requests.length;
    await rejectsRealm(anon.linkCredentials(Realm.Credentials.google({ redirectUrl: "http://localhost:8080/callback" })), notFound);
    assert.equal(requests[from]!.method, "GET");
    assert.match(requests[from]!.path, /\/auth\/providers\/oauth2-google\/login\?link=true&/);
    assert.equal(requests.length - from, 1);
  });

  test("any method and path shape under such a provider is 404 AuthProviderNotFound; served ones keep NotFound", async () => {
    const api = (app: string) => `${server.api}/app/${app}/auth/providers`;
    const shapes = [
      ["PUT", "login"],
      ["DELETE", "login"],
      ["PATCH", "login"],
      ["POST", "login"],
      ["GET", "redirect?state=abc&code=xyz"],
      ["GET", ""],
      ["POST", "login/extra/segments"],
      ["HEAD", "login"],
    ] as const;
    for (const [app, provider, reason] of [
      [TODO_APP, "oauth2-google", "providerNotFound"],
      [TODO_APP, "no-such-provider", "providerNotFound"],
      [SOCIAL_APP, "custom-sso", "providerNotSupported"],
    ] as const) {
      for (const [method, path] of shapes) {
        const url = `${api(app)}/${provider}${path ? `/${path}` : ""}`;
        const res = await fetch(url, {
          method,
          headers: { "content-type": "application/json" },
          body: method === "GET" || method === "HEAD" ? null : "{}",
        });
        assert.equal(res.status, 404, `${method} ${url}`);
        if (method === "HEAD") continue;
        const body = (await res.json()) as { error_code: string; error: string; reason: string };
        assert.deepEqual([body.error_code, body.reason], ["AuthProviderNotFound", reason], `${method} ${url}: ${body.error}`);
      }
    }
    const served = await fetch(`${api(SOCIAL_APP)}/anon-user/register`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{}",
    });
    assert.deepEqual(await served.json(), {
      error: "no route for POST " + new URL(`${api(SOCIAL_APP)}/anon-user/register`).pathname,
      error_code: "NotFound",
      reason: "routeNotFound",
    });
    // The preflight of every one of these routes is still CORS's.
    const preflight = await fetch(`${api(SOCIAL_APP)}/custom-sso/login`, {
      method: "OPTIONS",
      headers: { origin: "http://localhost:8080", "access-control-request-method": "POST" },
    });
    assert.equal(preflight.status, 204);
  });
});
