/**
 * The 15 real exports in /work/shared/fixtures/app-services-exports: each loads, and yields the
 * values its files hold (see the fixtures README for what each one exercises).
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { readdirSync } from "node:fs";
import { sep } from "node:path";
import {
  deriveDomainId,
  loadAppDirectory,
  type AppConfig,
} from "../../src/config/index.js";
import { fixture, fixturesDir, fixturesPresent } from "./helpers.js";

const skip = fixturesPresent ? false : `fixtures not found at ${fixturesDir}`;

const load = (name: string, options?: { environment?: string }) =>
  loadAppDirectory(fixture(name), options);

function authTriggers(
  app: AppConfig,
): [string, string | undefined, string | undefined, boolean][] {
  return app.triggers
    .filter((t) => t.type === "AUTHENTICATION")
    .map(
      (t) =>
        [t.name, t.operationType, t.functionName, t.disabled] as [
          string,
          string | undefined,
          string | undefined,
          boolean,
        ],
    )
    .sort((a, b) => (a[0] < b[0] ? -1 : 1));
}

function providerSummary(app: AppConfig): Record<string, boolean> {
  return Object.fromEntries(
    Object.values(app.providers).map((p) => [p.type, p.disabled]),
  );
}

function missingSourceWarnings(app: AppConfig): string[] {
  return app.warnings.filter((w) => w.includes("declared but source missing"));
}

describe("every fixture", { skip }, () => {
  const names = fixturesPresent
    ? readdirSync(fixturesDir).filter((n) => !n.endsWith(".md"))
    : [];

  it("finds all 15 fixtures", () => {
    assert.equal(names.length, 15);
  });

  for (const name of names) {
    it(`loads ${name}`, async () => {
      const app = await load(name);
      assert.match(app.domainId, /^[0-9a-f]{24}$/);
      assert.equal(app.domainId, deriveDomainId(app.clientAppId));
      assert.match(app.clientAppId, /^[a-z0-9_-]+$/);
      assert.ok(app.dir.endsWith(`${sep}${name}`));
      // Function sources are absent from every fixture: each declared function gets one warning.
      assert.ok(app.functions.length > 0);
      assert.ok(app.functions.every((f) => f.source === undefined));
      assert.equal(missingSourceWarnings(app).length, app.functions.length);
      for (const p of Object.values(app.providers))
        assert.equal(p.name, p.type);
    });
  }
});

describe("fixture values", { skip }, () => {
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
    assert.deepEqual(token.metadataFields, [
      { name: "user", fieldName: "name", required: false },
    ]);
    assert.deepEqual(token.config["audience"], ["pushpull-hvtjd"]);
    assert.equal(
      app.providers["local-userpass"]!.config["autoConfirm"],
      undefined,
    );
    assert.equal(
      app.providers["local-userpass"]!.config["emailConfirmationUrl"],
      "http://localhost:8080/confirm",
    );
    assert.deepEqual(app.providers["oauth2-apple"]!.redirectUris, [
      "https://redirect.uri",
    ]);
    const facebook = app.providers["oauth2-facebook"]!;
    assert.deepEqual(facebook.domainRestrictions, [
      "domain.restriction",
      "another.one",
    ]);
    assert.deepEqual(
      facebook.metadataFields.map((m) => m.name),
      ["name", "gender", "birthday", "email"],
    );
    assert.ok(
      facebook.metadataFields.every(
        (m) => m.fieldName === undefined && !m.required,
      ),
    );
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
    assert.deepEqual(
      app.triggers.find((t) => t.name === "userOnCreate")!.providers,
      ["local-userpass"],
    );
    assert.ok(
      app.warnings.some(
        (w) => w.includes("auth_bridge") && w.includes("AWS_EVENTBRIDGE"),
      ),
    );

    assert.equal(app.functions.length, 12);
    const eggcorn = app.functions.find((f) => f.name === "utils/eggcorn")!;
    assert.equal(eggcorn.private, true);
    assert.equal(eggcorn.runAsUserId, "624475eca51828cf7fd6bc64");
    assert.equal(eggcorn.disableArgLogs, true);
    assert.ok(
      eggcorn.canEvaluate && "%%request.remoteIPAddress" in eggcorn.canEvaluate,
    );
    const hello = app.functions.find((f) => f.name === "utils/hello_world")!;
    assert.match(
      hello.runAsUserIdScriptSource ?? "",
      /62448086e2817063364f6043/,
    );
    assert.equal(hello.private, false);
    const onCreate = app.functions.find(
      (f) => f.name === "auth/emailpass/onCreate",
    )!;
    assert.ok(
      onCreate.sourcePath.endsWith(
        ["functions", "auth", "emailpass", "onCreate.js"].join(sep),
      ),
    );
    assert.ok(
      app.warnings.includes(
        "function auth/emailpass/onCreate declared but source missing (functions/auth/emailpass/onCreate.js)",
      ),
    );

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
    assert.deepEqual(
      (await load("makesitgo__pushpull", { environment: "qa" }))
        .environmentValues,
      {
        eggcorn: "doggy dog world",
      },
    );
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
    assert.match(
      String(token.config["jwkURI"]),
      /^https:\/\/www\.googleapis\.com\//,
    );
    assert.equal(token.config["signingAlgorithm"], "");
    assert.equal(token.config["requireAnyAudience"], false);
    assert.deepEqual(token.secretConfig, { signingKeys: [] });
    assert.equal(app.providers["local-userpass"]!.config["autoConfirm"], true);
    assert.equal(
      app.providers["custom-function"]!.config["authFunctionName"],
      "loginAuthentication",
    );
    assert.equal(app.customUserData.mongoServiceName, "memehub");
    assert.equal(app.customUserData.userIdField, "1");
    assert.deepEqual(Object.keys(app.dataSources).sort(), [
      "memehub",
      "mongodb-atlas",
    ]);
    assert.equal(app.dataSources["memehub"]!.type, "mongodb-atlas");
    assert.equal(app.dataSources["memehub"]!.uri, undefined);
    assert.deepEqual(authTriggers(app), [
      ["LoginAuth", "LOGIN", "loginAuthentication", false],
    ]);
    assert.deepEqual(app.triggers[0]!.providers, [
      "api-key",
      "local-userpass",
      "custom-token",
      "custom-function",
    ]);
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
    assert.deepEqual(token.metadataFields, [
      { name: "Name", fieldName: "Name", required: true },
    ]);
    assert.equal(app.providers["api-key"]!.disabled, true);
    assert.equal(
      app.providers["local-userpass"]!.config["runResetFunction"],
      true,
    );
    assert.deepEqual(app.customUserData, { enabled: false });
    assert.deepEqual(authTriggers(app), []);
    assert.deepEqual(app.triggers.map((t) => [t.type, t.functionName]).sort(), [
      ["DATABASE", "Mailing_Function"],
      ["SCHEDULED", "deleteTempRecords"],
    ]);
    assert.equal(app.functions.length, 10);
    assert.ok(
      app.functions.some(
        (f) =>
          f.canEvaluate !== undefined &&
          Object.keys(f.canEvaluate).length === 0,
      ),
    );
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
    assert.deepEqual(authTriggers(app), [
      ["ensureCustomUserData", "LOGIN", "ensureCustomUserData", false],
    ]);
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
    assert.ok(
      app.presentFeatures.includes(
        "http_endpoints (1 legacy HTTP service with 0 webhooks)",
      ),
    );
    // https_endpoints/config.json is `[]`: nothing served there, nothing to report.
    assert.ok(
      !app.presentFeatures.some((f) => f.startsWith("https_endpoints")),
    );
  });

  it("Sistemium__vfs-masters-realm: root_config.json without app_id, on-user-creation function", async () => {
    const app = await load("Sistemium__vfs-masters-realm");
    assert.equal(app.layout, "20210101");
    assert.equal(app.clientAppId, "vfs_master");
    assert.equal(app.name, "vfs_master");
    assert.equal(app.location, "US-VA");
    assert.equal(app.deploymentModel, "LOCAL");
    assert.equal(app.environment, "production");
    assert.equal(
      app.customUserData.onUserCreationFunctionName,
      "onUserCreation",
    );
    assert.equal(app.customUserData.userIdField, "id");
    assert.deepEqual(authTriggers(app), [
      ["Trigger-on-user-auth", "CREATE", "onUserCreation", true],
    ]);
    assert.deepEqual(
      app.triggers.find((t) => t.type === "AUTHENTICATION")!.providers,
      ["local-userpass", "api-key", "custom-function"],
    );
    assert.equal(app.triggers.filter((t) => t.type === "DATABASE").length, 5);
    assert.ok(Array.isArray(app.values["InitPostProcess"]!.value));
    assert.ok(app.presentFeatures.includes("sync (flexible)"));
    assert.ok(app.presentFeatures.includes("triggers: 5 DATABASE"));
    assert.ok(
      app.presentFeatures.includes(
        "rules (8 collection rules, 1 default rule)",
      ),
    );
  });

  it("realm__realm-sync-demos: custom-function CREATE trigger, environment values without values/", async () => {
    const app = await load("realm__realm-sync-demos");
    assert.equal(app.clientAppId, "phase-2-sandbox-vikjc");
    assert.equal(
      app.providers["custom-function"]!.config["authFunctionName"],
      "customAuthFunction",
    );
    assert.deepEqual(authTriggers(app), [
      ["onNewUser", "CREATE", "createNewUser", false],
    ]);
    assert.deepEqual(
      app.triggers.find((t) => t.name === "onNewUser")!.providers,
      ["custom-function"],
    );
    assert.deepEqual(app.values, {});
    assert.equal(app.environmentValues["EMAIL_APP_API_KEY"], "YOUR_API_KEY");
    assert.equal(app.customUserData.userIdField, "customDataId");
    assert.ok(app.presentFeatures.includes("sync (partition)"));
    assert.ok(!app.presentFeatures.some((f) => f.startsWith("http_endpoints")));
  });

  it("jsimonrichard__QrTracker-atlas-hackathon: DELETE triggers listing unconfigured providers", async () => {
    const app = await load("jsimonrichard__QrTracker-atlas-hackathon");
    assert.deepEqual(authTriggers(app), [
      ["CreatedUser", "CREATE", "onUserCreate", false],
      ["DeletedEmailUser", "DELETE", "sendGoodbyeEmail", false],
      ["DeletedUser", "DELETE", "deleteUsersItems", false],
    ]);
    assert.equal(
      app.triggers.find((t) => t.name === "DeletedUser")!.providers.length,
      7,
    );
    assert.ok(
      app.warnings.some((w) =>
        w.startsWith(
          "trigger DeletedUser lists providers that are not configured",
        ),
      ),
    );
    assert.equal(
      app.providers["local-userpass"]!.config["confirmationFunctionName"],
      "confirmUser",
    );
    assert.equal(app.functions.length, 27);
    assert.ok(app.presentFeatures.includes("graphql (6 custom resolvers)"));
    assert.ok(app.presentFeatures.includes("triggers: 3 DATABASE"));
  });

  it("CNA-Prv-Rec__GeorgeAndIrisServerlessBackendMongoDB: allowed origins, Google, two endpoint styles", async () => {
    const app = await load(
      "CNA-Prv-Rec__GeorgeAndIrisServerlessBackendMongoDB",
    );
    assert.deepEqual(app.allowedRequestOrigins, [
      "http://localhost:3000",
      "http://localhost",
      "https://www.george-and-iris.co.uk",
    ]);
    const google = app.providers["oauth2-google"]!;
    assert.equal(
      google.config["clientId"],
      "718755781357-79sovevfdp7dbui4n1umu5kjhhk2fpus.apps.googleusercontent.com",
    );
    assert.equal(google.config["openId"], true);
    assert.deepEqual(google.secretConfig, { clientSecret: "GmailAuthSecret" });
    assert.equal(google.metadataFields.length, 4);
    assert.equal(google.redirectUris.length, 3);
    assert.equal(
      app.providers["custom-token"]!.config["requireAnyAudience"],
      false,
    );
    assert.ok(app.functions.some((f) => f.runAsUserId !== undefined));
    assert.ok(
      app.presentFeatures.includes(
        "http_endpoints (9 endpoints, 2 legacy HTTP services with 6 webhooks)",
      ),
    );
  });

  it("anton-plebanovich__DivtrackerRealm: 13 SCHEDULED triggers, only custom-function enabled", async () => {
    const app = await load("anton-plebanovich__DivtrackerRealm");
    assert.deepEqual(providerSummary(app), {
      "anon-user": true,
      "api-key": true,
      "custom-function": false,
      "local-userpass": true,
      "oauth2-google": true,
    });
    assert.equal(
      app.providers["local-userpass"]!.config["autoConfirm"],
      undefined,
    );
    const scheduled = app.triggers.filter((t) => t.type === "SCHEDULED");
    assert.equal(scheduled.length, 13);
    assert.deepEqual(
      scheduled.filter((t) => t.disabled).map((t) => t.name),
      ["updateQuotesEach15MinsV2"],
    );
    assert.ok(app.presentFeatures.includes("triggers: 13 SCHEDULED"));
    assert.ok(app.presentFeatures.includes("hosting"));
    assert.ok(app.presentFeatures.includes("sync (partition)"));
  });

  it("haydendavidson11__CREW_Realm_App: triggers without a function are warnings", async () => {
    const app = await load("haydendavidson11__CREW_Realm_App");
    assert.equal(app.providers["oauth2-apple"]!.disabled, true);
    assert.equal(
      app.providers["oauth2-apple"]!.config["clientId"],
      "com.haydendavidson.COOL-NAME-HERE",
    );
    assert.equal(app.triggers.length, 7);
    assert.equal(
      app.triggers.filter((t) => t.functionName === undefined).length,
      6,
    );
    assert.equal(
      app.warnings.filter((w) => w.includes("names no function")).length,
      6,
    );
    assert.deepEqual(authTriggers(app), [
      ["AddCrewMember", "CREATE", undefined, true],
      ["userRegistered", "CREATE", undefined, false],
    ]);
    assert.ok(app.presentFeatures.includes("services: gcm (gcm)"));
    assert.ok(
      app.presentFeatures.includes("hosting (custom domain mycrew.app)"),
    );
    assert.ok(
      app.presentFeatures.includes(
        "http_endpoints (1 legacy HTTP service with 0 webhooks)",
      ),
    );
  });

  it("bisratttt__Discovery: on-user-creation function, DELETE trigger", async () => {
    const app = await load("bisratttt__Discovery");
    assert.equal(
      app.customUserData.onUserCreationFunctionName,
      "createUserPreferences",
    );
    assert.deepEqual(authTriggers(app), [
      ["deleteUserMetadata", "DELETE", "deleteUserMetadataTrigger", false],
    ]);
    assert.ok(
      app.presentFeatures.includes("triggers: 2 DATABASE, 1 SCHEDULED"),
    );
    assert.ok(
      app.functions.filter((f) => f.private).length > app.functions.length / 2,
    );
    assert.ok(app.functions.some((f) => f.disableArgLogs));
  });

  it("phil2211__AtlasRAG: minimal newer-CLI export", async () => {
    const app = await load("phil2211__AtlasRAG");
    assert.equal(app.clientAppId, "atlasrag");
    assert.equal(app.name, "AtlasRAG");
    assert.deepEqual(providerSummary(app), {
      "anon-user": false,
      "api-key": true,
    });
    assert.deepEqual(app.values, {});
    assert.equal(app.functions.length, 4);
    assert.deepEqual(app.presentFeatures, [
      "graphql",
      "triggers: 1 DATABASE",
      "rules (1 collection rule)",
      "schemas (1 collection)",
    ]);
  });

  it("COVID-19-DeliveryTool__Back-End: Stitch stitch.json layout", async () => {
    const app = await load("COVID-19-DeliveryTool__Back-End");
    assert.equal(app.layout, "20180301");
    assert.equal(app.clientAppId, "covid-19-deliverytool__back-end");
    assert.equal(app.name, "COVID-19-DeliveryTool__Back-End");
    assert.deepEqual(providerSummary(app), {
      "anon-user": false,
      "api-key": true,
      "custom-function": false,
      "oauth2-google": false,
    });
    const google = app.providers["oauth2-google"]!;
    assert.equal(google.redirectUris.length, 3);
    assert.equal(google.metadataFields.length, 4);
    assert.deepEqual(google.secretConfig, {
      clientSecret: "stayneighor-oauth-secret",
    });
    assert.deepEqual(app.customUserData, { enabled: false });
    assert.equal(app.functions.length, 16);
    const hello = app.functions.find((f) => f.name === "HelloWorld")!;
    assert.ok(
      hello.sourcePath.endsWith(
        ["functions", "helloworld", "source.js"].join(sep),
      ),
    );
    assert.equal(hello.runAsSystem, true);
    assert.ok(
      app.warnings.includes(
        "function HelloWorld declared but source missing (functions/helloworld/source.js)",
      ),
    );
    assert.deepEqual(authTriggers(app), [
      ["customUserDataCreateTrigger", "CREATE", "addCustomUserData", false],
      ["customUserDataTrigger", "LOGIN", "addCustomUserData", false],
    ]);
    assert.equal(
      app.triggers.filter(
        (t) => t.type === "DATABASE" && t.functionName !== undefined,
      ).length,
      4,
    );
    assert.equal(Object.keys(app.values).length, 4);
    assert.deepEqual(Object.keys(app.dataSources), ["mongodb-atlas"]);
    assert.ok(app.presentFeatures.includes("services: AWS_SES (aws)"));
    assert.ok(app.presentFeatures.includes("rules (6 collection rules)"));
    assert.ok(app.presentFeatures.includes("triggers: 4 DATABASE"));
  });
});

describe("modern and legacy exports of the tutorial backend", { skip }, () => {
  it("agree on providers, custom user data, functions and the auth trigger", async () => {
    const modern = await load("mongodb-university__realm-tutorial-backend");
    const legacy = await load(
      "mongodb-university__realm-tutorial-backend__legacy-20200603",
    );
    assert.equal(modern.layout, "20210101");
    assert.equal(legacy.layout, "20200603");
    assert.equal(modern.clientAppId, "tasktracker");
    assert.equal(legacy.clientAppId, "tasktracker");
    assert.equal(modern.domainId, legacy.domainId);
    assert.deepEqual(legacy.providers, modern.providers);
    assert.deepEqual(Object.keys(modern.providers), ["local-userpass"]);
    assert.deepEqual(modern.providers["local-userpass"]!.config, {
      autoConfirm: true,
      resetFunctionName: "resetFunc",
      runConfirmationFunction: false,
      runResetFunction: true,
    });
    assert.deepEqual(legacy.customUserData, modern.customUserData);
    assert.deepEqual(modern.customUserData, {
      enabled: true,
      mongoServiceName: "mongodb-atlas",
      databaseName: "tracker",
      collectionName: "User",
      userIdField: "_id",
    });
    const names = (app: AppConfig) => app.functions.map((f) => f.name).sort();
    assert.deepEqual(names(legacy), names(modern));
    assert.equal(names(modern).length, 7);
    assert.deepEqual(authTriggers(legacy), authTriggers(modern));
    assert.deepEqual(authTriggers(modern), [
      ["onNewUser", "CREATE", "createNewUserDocument", false],
    ]);
    assert.deepEqual(
      Object.keys(legacy.dataSources),
      Object.keys(modern.dataSources),
    );
    // Sync lives in sync/config.json in one and in the service config in the other.
    assert.ok(modern.presentFeatures.includes("sync (partition)"));
    assert.ok(legacy.presentFeatures.includes("sync (partition)"));
  });
});
