/**
 * Real 20210101 exports, provider-heavy ones: the values each loader result must hold
 * (see the fixtures README for what each fixture exercises).
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { sep } from "node:path";
import { authTriggers, loadFixture as load, providerSummary } from "./helpers.js";
import { requirement } from "../../../../test/support/requirements.mjs";

const skip = requirement("fixtures");

describe("fixture values: providers", { skip }, () => {
  it("makesitgo__pushpull: all 8 provider types, auth triggers, slash names, environments", async () => {
    const app = await load("makesitgo__pushpull");
    assert.equal(app.layout, "20210101");
    assert.equal(app.clientAppId, "pushpull-hvtjd");
    assert.equal(app.environment, "development");
    assert.deepEqual(app.environmentValues, { eggcorn: "cold slaw" });
    assert.deepEqual(providerSummary(app), {
      "anon-user": false,
      "api-key": false,
      "custom-function": false,
      "custom-token": false,
      "local-userpass": false,
      "oauth2-apple": false,
      "oauth2-facebook": false,
      "oauth2-google": false,
    });
    const token = app.providers["custom-token"]!;
    assert.deepEqual(token.secretConfig, {
      signingKeys: ["auth_jwt_signing_key"],
    });
    assert.deepEqual(token.metadataFields, [{ name: "user", fieldName: "name", required: false }]);
    assert.deepEqual(token.config["audience"], ["pushpull-hvtjd"]);
    assert.equal(app.providers["local-userpass"]!.config["autoConfirm"], undefined);
    assert.equal(app.providers["local-userpass"]!.config["emailConfirmationUrl"], "http://localhost:8080/confirm");
    assert.deepEqual(app.providers["oauth2-apple"]!.redirectUris, ["https://redirect.uri"]);
    const facebook = app.providers["oauth2-facebook"]!;
    assert.deepEqual(facebook.domainRestrictions, ["domain.restriction", "another.one"]);
    assert.deepEqual(
      facebook.metadataFields.map((m) => m.name),
      ["name", "gender", "birthday", "email"],
    );
    assert.ok(facebook.metadataFields.every((m) => m.fieldName === undefined && !m.required));
    assert.equal(app.providers["oauth2-google"]!.config["openId"], true);
    assert.equal(app.providers["anon-user"]!.redirectUris.length, 0);
    assert.deepEqual(app.providers["anon-user"]!.config, {});

    assert.deepEqual(app.customUserData, {
      enabled: true,
      mongoServiceName: "mongodb-atlas",
      databaseName: "auth",
      collectionName: "users",
      userIdField: "user_id",
    });
    assert.deepEqual(authTriggers(app), [
      ["auth_bridge", "DELETE", undefined, true],
      ["userOnCreate", "CREATE", "auth/emailpass/onCreate", false],
      ["userOnDelete", "DELETE", "auth/emailpass/onDelete", false],
      ["userOnLogin", "LOGIN", "auth/emailpass/onLogin", false],
    ]);
    assert.deepEqual(app.triggers.find((t) => t.name === "userOnCreate")!.providers, ["local-userpass"]);
    assert.ok(app.warnings.some((w) => w.includes("auth_bridge") && w.includes("AWS_EVENTBRIDGE")));

    assert.equal(app.functions.length, 12);
    const eggcorn = app.functions.find((f) => f.name === "utils/eggcorn")!;
    assert.equal(eggcorn.private, true);
    assert.equal(eggcorn.runAsUserId, "624475eca51828cf7fd6bc64");
    assert.equal(eggcorn.disableArgLogs, true);
    assert.ok(eggcorn.canEvaluate && "%%request.remoteIPAddress" in eggcorn.canEvaluate);
    const hello = app.functions.find((f) => f.name === "utils/hello_world")!;
    assert.match(hello.runAsUserIdScriptSource ?? "", /62448086e2817063364f6043/);
    assert.equal(hello.private, false);
    const onCreate = app.functions.find((f) => f.name === "auth/emailpass/onCreate")!;
    assert.ok(onCreate.sourcePath.endsWith(["functions", "auth", "emailpass", "onCreate.js"].join(sep)));
    assert.ok(app.warnings.includes("function auth/emailpass/onCreate declared but source missing (functions/auth/emailpass/onCreate.js)"));

    assert.deepEqual(app.values["complex"], {
      name: "complex",
      fromSecret: false,
      value: { a: 6, b: true, c: "sea" },
    });
    assert.equal(app.values["egg"]!.value, "corn");
    assert.deepEqual(Object.keys(app.values).sort(), ["complex", "egg", "foo"]);
    assert.deepEqual(Object.keys(app.dataSources), ["mongodb-atlas"]);
    assert.deepEqual(app.presentFeatures, [
      "sync (partition)",
      "graphql (2 custom resolvers)",
      "http_endpoints (1 endpoint, 1 legacy HTTP service with 3 webhooks)",
      "data_api",
      "services: twilio (twilio)",
      "log_forwarders (2)",
      "triggers: 1 DATABASE, 2 SCHEDULED",
      "rules (3 collection rules)",
      "schemas (3 collections)",
    ]);
  });

  it("makesitgo__pushpull: the environment option picks environments/<env>.json", async () => {
    assert.deepEqual((await load("makesitgo__pushpull", { environment: "qa" })).environmentValues, {
      eggcorn: "doggy dog world",
    });
    const testing = await load("makesitgo__pushpull", {
      environment: "testing",
    });
    assert.equal(testing.environment, "testing");
    assert.deepEqual(testing.environmentValues, {});
  });

  it("Memehub-Network__Memehub: JWK custom-token, custom user data on a second data source", async () => {
    const app = await load("Memehub-Network__Memehub");
    assert.equal(app.clientAppId, "memehub-gjgyo");
    assert.equal(app.deploymentModel, "LOCAL");
    const token = app.providers["custom-token"]!;
    assert.equal(token.config["useJWKURI"], true);
    assert.match(String(token.config["jwkURI"]), /^https:\/\/www\.googleapis\.com\//);
    assert.equal(token.config["signingAlgorithm"], "");
    assert.equal(token.config["requireAnyAudience"], false);
    assert.deepEqual(token.secretConfig, { signingKeys: [] });
    assert.equal(app.providers["local-userpass"]!.config["autoConfirm"], true);
    assert.equal(app.providers["custom-function"]!.config["authFunctionName"], "loginAuthentication");
    assert.equal(app.customUserData.mongoServiceName, "memehub");
    assert.equal(app.customUserData.userIdField, "1");
    assert.deepEqual(Object.keys(app.dataSources).sort(), ["memehub", "mongodb-atlas"]);
    assert.equal(app.dataSources["memehub"]!.type, "mongodb-atlas");
    assert.equal(app.dataSources["memehub"]!.uri, undefined);
    assert.deepEqual(authTriggers(app), [["LoginAuth", "LOGIN", "loginAuthentication", false]]);
    assert.deepEqual(app.triggers[0]!.providers, ["api-key", "local-userpass", "custom-token", "custom-function"]);
    assert.equal(app.functions.length, 16);
    assert.ok(app.presentFeatures.includes("http_endpoints (11 endpoints)"));
    assert.ok(app.presentFeatures.includes("data_api"));
    assert.ok(app.presentFeatures.includes("rules (1 default rule)"));
  });

  it("DonCorleone__schlosswochen-signup: Auth0 custom-token, custom user data disabled", async () => {
    const app = await load("DonCorleone__schlosswochen-signup");
    assert.equal(app.clientAppId, "application-0-cgymr");
    assert.equal(app.environment, undefined);
    const token = app.providers["custom-token"]!;
    assert.match(String(token.config["jwkURI"]), /auth0\.com/);
    assert.deepEqual(token.metadataFields, [{ name: "Name", fieldName: "Name", required: true }]);
    assert.equal(app.providers["api-key"]!.disabled, true);
    assert.equal(app.providers["local-userpass"]!.config["runResetFunction"], true);
    assert.deepEqual(app.customUserData, { enabled: false });
    assert.deepEqual(authTriggers(app), []);
    assert.deepEqual(app.triggers.map((t) => [t.type, t.functionName]).sort(), [
      ["DATABASE", "Mailing_Function"],
      ["SCHEDULED", "deleteTempRecords"],
    ]);
    assert.equal(app.functions.length, 10);
    assert.ok(app.functions.some((f) => f.canEvaluate !== undefined && Object.keys(f.canEvaluate).length === 0));
    assert.deepEqual(app.presentFeatures, [
      "graphql (3 custom resolvers)",
      "hosting",
      "triggers: 1 DATABASE, 1 SCHEDULED",
      "rules (8 collection rules)",
      "schemas (8 collections)",
    ]);
  });

  it("Sekund__realm-backend: local-userpass with every option, 48 functions, tab-indented service", async () => {
    const app = await load("Sekund__realm-backend");
    assert.equal(app.location, "IE");
    assert.equal(app.providers["anon-user"]!.disabled, true);
    assert.deepEqual(app.providers["local-userpass"]!.config, {
      autoConfirm: false,
      confirmEmailSubject: "Please confirm your email",
      confirmationFunctionName: "confirmUser",
      emailConfirmationUrl: "https://www.sekund.io/confirmEmail",
      resetFunctionName: "resetPassword",
      resetPasswordSubject: "Here's a link to reset your password",
      resetPasswordUrl: "https://www.sekund.io/resetPassword",
      runConfirmationFunction: true,
      runResetFunction: true,
    });
    assert.deepEqual(app.providers["custom-token"]!.secretConfig, {
      signingKeys: ["jwtsecret"],
    });
    assert.equal(app.functions.length, 48);
    assert.equal(app.functions.filter((f) => f.runAsSystem).length, 35);
    assert.deepEqual(authTriggers(app), [["ensureCustomUserData", "LOGIN", "ensureCustomUserData", false]]);
    assert.deepEqual(app.environmentValues, {
      appName: "next",
      bucketName: "sekund-next",
      bucketRegion: "eu-west-2",
    });
    assert.deepEqual(app.values["appName"], {
      name: "appName",
      fromSecret: false,
      value: "next",
    });
    assert.ok(app.presentFeatures.includes("services: S3 (aws)"));
    assert.ok(app.presentFeatures.includes("http_endpoints (1 legacy HTTP service with 0 webhooks)"));
    // https_endpoints/config.json is `[]`: nothing served there, nothing to report.
    assert.ok(!app.presentFeatures.some((f) => f.startsWith("https_endpoints")));
  });

  it("CNA-Prv-Rec__GeorgeAndIrisServerlessBackendMongoDB: allowed origins, Google, two endpoint styles", async () => {
    const app = await load("CNA-Prv-Rec__GeorgeAndIrisServerlessBackendMongoDB");
    assert.deepEqual(app.allowedRequestOrigins, ["http://localhost:3000", "http://localhost", "https://www.george-and-iris.co.uk"]);
    const google = app.providers["oauth2-google"]!;
    assert.equal(google.config["clientId"], "718755781357-79sovevfdp7dbui4n1umu5kjhhk2fpus.apps.googleusercontent.com");
    assert.equal(google.config["openId"], true);
    assert.deepEqual(google.secretConfig, { clientSecret: "GmailAuthSecret" });
    assert.equal(google.metadataFields.length, 4);
    assert.equal(google.redirectUris.length, 3);
    assert.equal(app.providers["custom-token"]!.config["requireAnyAudience"], false);
    assert.ok(app.functions.some((f) => f.runAsUserId !== undefined));
    assert.ok(app.presentFeatures.includes("http_endpoints (9 endpoints, 2 legacy HTTP services with 6 webhooks)"));
  });
});
