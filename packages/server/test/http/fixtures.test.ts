import assert from "node:assert/strict";
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { call, startTestServer } from "../helpers/server.js";
import { fixturesDir, requirement } from "../../../../test/support/requirements.mjs";

// Providers whose login body carries a credential field (key, token, id_token, accessToken...).
const TOKEN_PROVIDERS = ["api-key", "custom-token", "oauth2-google", "oauth2-apple", "oauth2-facebook"];
const skip = requirement("fixtures");
const fixtures = skip ? [] : readdirSync(fixturesDir).filter((name) => statSync(join(fixturesDir, name)).isDirectory());

/** The 15 real App Services exports (../shared or GATEHOUSE_FIXTURES): the server starts on each and serves what it supports. */
describe("the server starts on every real App Services export", { skip }, () => {
  it("has the fixtures", () => assert.equal(fixtures.length, 15));

  for (const name of fixtures) {
    it(name, async () => {
      const server = await startTestServer({ apps: [join(fixturesDir, name)] });
      try {
        const app = server.services.apps.all()[0]!;
        const id = app.id;
        const location = await call(`${server.api}/app/${id}/location`);
        assert.equal(location.status, 200);
        // Every provider type in the export is named in the start-up report, supported or not.
        for (const provider of Object.values(app.config.providers)) {
          assert.ok(
            server.report.some((line) => line.includes(provider.type)),
            `${provider.type} missing from report`,
          );
        }
        const anon = app.provider("anon-user");
        const login = await call(`${server.api}/app/${id}/auth/providers/anon-user/login`, { body: {} });
        if (anon) {
          assert.equal(login.status, 200);
          const profile = await call(`${server.api}/auth/profile`, { token: login.body.access_token });
          assert.equal(profile.status, 200);
        } else {
          assert.equal(login.status, 404);
          assert.equal(login.body.error_code, "AuthProviderNotFound");
        }
        for (const provider of Object.values(app.config.providers)) {
          if (provider.disabled || ["anon-user", "local-userpass"].includes(provider.type)) continue;
          const res = await call(`${server.api}/app/${id}/auth/providers/${provider.name}/login`, { body: {} });
          if (TOKEN_PROVIDERS.includes(provider.type)) {
            assert.equal(res.status, 400, "served: a login without its credential is a bad request");
            assert.equal(res.body.error_code, "MissingParameter");
            continue;
          }
          if (provider.type === "custom-function") {
            // Served, but the exports carry no function sources: a clear 401, not a crash.
            assert.equal(res.status, 401);
            assert.equal(res.body.error_code, "AuthError");
            assert.match(res.body.error, /not available/);
            continue;
          }
          assert.equal(res.status, 404, `${provider.name} is named as unsupported, not crashed on`);
          assert.match(res.body.error, /not supported/);
        }
        const userpass = app.provider("local-userpass");
        if (userpass?.config.autoConfirm === true && userpass.config.runConfirmationFunction !== true) {
          const reg = await call(`${server.api}/app/${id}/auth/providers/local-userpass/register`, {
            body: { email: "f@example.com", password: "secret1" },
          });
          assert.equal(reg.status, 201);
          const li = await call(`${server.api}/app/${id}/auth/providers/local-userpass/login`, {
            body: { username: "f@example.com", password: "secret1" },
          });
          assert.equal(li.status, 200);
        }
      } finally {
        await server.close();
      }
    });
  }
});
