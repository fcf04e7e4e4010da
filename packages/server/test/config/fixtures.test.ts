/**
 * The 15 real exports (found by test/support/requirements.mjs): each one loads, and the two
 * legacy layouts (realm-cli v1 config.json, Stitch stitch.json) yield what their files hold.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { readdirSync } from "node:fs";
import { sep } from "node:path";
import { deriveDomainId, type AppConfig } from "../../src/config/index.js";
import { requirement } from "../../../../test/support/requirements.mjs";
import { authTriggers, fixturesDir, loadFixture as load, providerSummary } from "./helpers.js";

const skip = requirement("fixtures");

function missingSourceWarnings(app: AppConfig): string[] {
  return app.warnings.filter((w) => w.includes("declared but source missing"));
}

describe("every fixture", { skip }, () => {
  const names = !skip ? readdirSync(fixturesDir).filter((n) => !n.endsWith(".md")) : [];

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
      for (const p of Object.values(app.providers)) assert.equal(p.name, p.type);
    });
  }
});

describe("legacy layouts", { skip }, () => {
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
    assert.ok(hello.sourcePath.endsWith(["functions", "helloworld", "source.js"].join(sep)));
    assert.equal(hello.runAsSystem, true);
    assert.ok(app.warnings.includes("function HelloWorld declared but source missing (functions/helloworld/source.js)"));
    assert.deepEqual(authTriggers(app), [
      ["customUserDataCreateTrigger", "CREATE", "addCustomUserData", false],
      ["customUserDataTrigger", "LOGIN", "addCustomUserData", false],
    ]);
    assert.equal(app.triggers.filter((t) => t.type === "DATABASE" && t.functionName !== undefined).length, 4);
    assert.equal(Object.keys(app.values).length, 4);
    assert.deepEqual(Object.keys(app.dataSources), ["mongodb-atlas"]);
    assert.ok(app.presentFeatures.includes("services: AWS_SES (aws)"));
    assert.ok(app.presentFeatures.includes("rules (6 collection rules)"));
    assert.ok(app.presentFeatures.includes("triggers: 4 DATABASE"));
  });

  it("the modern and legacy tutorial backends agree on providers, custom user data, functions, auth trigger", async () => {
    const modern = await load("mongodb-university__realm-tutorial-backend");
    const legacy = await load("mongodb-university__realm-tutorial-backend__legacy-20200603");
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
    assert.deepEqual(authTriggers(modern), [["onNewUser", "CREATE", "createNewUserDocument", false]]);
    assert.deepEqual(Object.keys(legacy.dataSources), Object.keys(modern.dataSources));
    // Sync lives in sync/config.json in one and in the service config in the other.
    assert.ok(modern.presentFeatures.includes("sync (partition)"));
    assert.ok(legacy.presentFeatures.includes("sync (partition)"));
  });
});
