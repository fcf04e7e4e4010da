/**
 * describeSupport: the start-up report names every provider, the functions, custom user data,
 * auth triggers and every feature present in the export, and says what is not served.
 */
import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { describeSupport, featureKey, loadAppDirectory, reportWarnings } from "../../src/config/index.js";
import { requirement } from "../../../../test/support/requirements.mjs";
import { ROOT, fixture, makeApp, removeApps } from "./helpers.js";

after(removeApps);

const CORE = {
  providers: ["anon-user", "local-userpass", "api-key", "custom-function"],
  features: [],
};

describe("describeSupport", () => {
  it("reports providers, functions, custom user data and auth triggers of a synthetic app", async () => {
    const dir = await makeApp({
      "realm_config.json": {
        ...ROOT,
        allowed_request_origins: ["http://localhost:3000"],
      },
      "auth/providers.json": {
        "anon-user": { name: "anon-user", type: "anon-user", disabled: false },
        "local-userpass": {
          name: "local-userpass",
          type: "local-userpass",
          config: {
            autoConfirm: false,
            emailConfirmationUrl: "http://x/confirm",
            resetPasswordUrl: "http://x/reset",
          },
        },
        "custom-token": {
          name: "custom-token",
          type: "custom-token",
          config: { signingAlgorithm: "HS256" },
        },
        "oauth2-apple": {
          name: "oauth2-apple",
          type: "oauth2-apple",
          disabled: true,
        },
      },
      "auth/custom_user_data.json": {
        enabled: true,
        mongo_service_name: "mongodb-atlas",
        database_name: "tracker",
        collection_name: "User",
        user_id_field: "_id",
        on_user_creation_function_name: "onCreate",
      },
      "data_sources/mongodb-atlas/config.json": {
        name: "mongodb-atlas",
        type: "mongodb-atlas",
        config: { uri: "mongodb://localhost:27017" },
      },
      "functions/config.json": [{ name: "onCreate" }, { name: "a" }, { name: "b" }],
      "functions/onCreate.js": "exports = () => {};",
      "triggers/login.json": {
        name: "login",
        type: "AUTHENTICATION",
        config: { operation_type: "LOGIN", providers: ["anon-user"] },
        event_processors: {
          FUNCTION: { config: { function_name: "onCreate" } },
        },
      },
      "values/v.json": { name: "v", value: "secretName", from_secret: true },
    });
    const lines = describeSupport(await loadAppDirectory(dir), CORE);
    assert.deepEqual(lines, [
      "layout 20210101",
      "provider anon-user: enabled",
      "provider custom-token: not supported yet",
      "provider local-userpass: enabled (confirmation email to http://x/confirm, reset email to http://x/reset)",
      "provider oauth2-apple: disabled",
      "functions: 3 declared, 2 without source (a, b)",
      "custom user data: enabled (mongodb-atlas tracker.User, user_id_field _id, on user creation onCreate)",
      "trigger login: AUTHENTICATION LOGIN for anon-user, calls onCreate",
      "values: 1, 1 from secrets (v)",
      "data source mongodb-atlas: mongodb-atlas, uri configured",
      "allowed request origins: http://localhost:3000",
    ]);
  });

  it("says when no provider is enabled", async () => {
    const lines = describeSupport(await loadAppDirectory(await makeApp({ "realm_config.json": ROOT })), CORE);
    assert.ok(lines.includes("providers: none enabled (nobody can log in)"));
    assert.ok(lines.includes("custom user data: disabled"));
    assert.ok(lines.includes("functions: 0 declared, 0 without source"));
  });

  it("featureKey takes the leading name", () => {
    assert.equal(featureKey("http_endpoints (3 endpoints)"), "http_endpoints");
    assert.equal(featureKey("triggers: 2 DATABASE, 13 SCHEDULED"), "triggers");
    assert.equal(featureKey("sync"), "sync");
  });
});

describe("describeSupport on real exports", { skip: requirement("fixtures") }, () => {
  it("pushpull: unsupported providers, ignored features, folded missing sources", async () => {
    const app = await loadAppDirectory(fixture("makesitgo__pushpull"));
    const lines = describeSupport(app, CORE);
    for (const expected of [
      "layout 20210101, environment development",
      "provider custom-token: not supported yet",
      "provider oauth2-apple: not supported yet",
      "provider oauth2-facebook: not supported yet",
      "provider custom-function: enabled (function authenticate)",
      "sync (partition): not supported (ignored)",
      "graphql (2 custom resolvers): not supported (ignored)",
      "log_forwarders (2): not supported (ignored)",
      "triggers 1 DATABASE, 2 SCHEDULED: not supported (ignored)",
      "services twilio (twilio): not supported (ignored)",
      "trigger auth_bridge: AUTHENTICATION DELETE for anon-user, no function, will not run (disabled)",
      "custom user data: enabled (mongodb-atlas auth.users, user_id_field user_id)",
    ]) {
      assert.ok(lines.includes(expected), `missing line: ${expected}\n${lines.join("\n")}`);
    }
    assert.ok(
      lines.includes(
        "functions: 12 declared, 12 without source (authenticate, onTriggerFailure, receivePing, sendPing, triggers/basic, and 7 more)",
      ),
    );
    // Warnings are not report lines; reportWarnings drops the twelve "source missing" ones,
    // which the functions line sums up, and keeps the rest.
    assert.ok(!lines.some((l) => l.startsWith("warning")));
    assert.equal(app.warnings.length, 13);
    assert.deepEqual(reportWarnings(app), [
      "trigger auth_bridge (triggers/auth_bridge.json) sends its events to AWS_EVENTBRIDGE, which Gatehouse does not support; it will not run",
    ]);
    // Nothing present is left out.
    assert.equal(lines.filter((l) => l.endsWith(": not supported (ignored)")).length, app.presentFeatures.length);
  });

  it("a supported feature is reported as served", async () => {
    const app = await loadAppDirectory(fixture("makesitgo__pushpull"));
    const lines = describeSupport(app, {
      ...CORE,
      features: ["sync", "rules"],
    });
    assert.ok(lines.includes("sync (partition): served"));
    assert.ok(lines.includes("rules (3 collection rules): served"));
    assert.ok(lines.includes("graphql (2 custom resolvers): not supported (ignored)"));
  });

  it("CREW: a disabled provider and the tutorial's custom user data", async () => {
    const crew = describeSupport(await loadAppDirectory(fixture("haydendavidson11__CREW_Realm_App")), CORE);
    assert.ok(crew.includes("provider oauth2-apple: disabled"));
    assert.ok(crew.includes("hosting (custom domain mycrew.app): not supported (ignored)"));
    const tutorial = describeSupport(await loadAppDirectory(fixture("mongodb-university__realm-tutorial-backend")), CORE);
    assert.ok(tutorial.includes("custom user data: enabled (mongodb-atlas tracker.User, user_id_field _id)"));
    assert.ok(tutorial.includes("provider local-userpass: enabled (auto-confirm, reset by function resetFunc)"));
  });

  it("Sekund: 48 functions without source", async () => {
    const lines = describeSupport(await loadAppDirectory(fixture("Sekund__realm-backend")), CORE);
    assert.ok(lines.some((l) => l.startsWith("functions: 48 declared, 48 without source (")));
    assert.ok(lines.includes("environment values: 3"));
  });

  it("pushpull with this build's providers: custom JWT and the three social ones are served, with their settings", async () => {
    const { SUPPORTED } = await import("../../src/server.js");
    const lines = describeSupport(await loadAppDirectory(fixture("makesitgo__pushpull")), SUPPORTED);
    for (const expected of [
      "provider custom-token: enabled (HS256, signing key secrets: auth_jwt_signing_key)",
      "provider oauth2-apple: enabled (client id client_id, 1 redirect_uris)",
      "provider oauth2-facebook: enabled (client id client_id, 2 redirect_uris, domains domain.restriction, another.one)",
      "provider oauth2-google: enabled (client id client_id, OpenID id_tokens, 0 redirect_uris)",
    ]) {
      assert.ok(lines.includes(expected), `missing line: ${expected}\n${lines.join("\n")}`);
    }
    assert.ok(!lines.some((l) => l.includes("not supported yet")));
  });
});
