/**
 * Real 20210101 exports, trigger- and feature-heavy ones: the values each loader result must
 * hold (see the fixtures README for what each fixture exercises).
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { authTriggers, loadFixture as load, providerSummary } from "./helpers.js";
import { requirement } from "../../../../test/support/requirements.mjs";

const skip = requirement("fixtures");

describe("fixture values: triggers, functions, features", { skip }, () => {
  it("Sistemium__vfs-masters-realm: root_config.json without app_id, on-user-creation function", async () => {
    const app = await load("Sistemium__vfs-masters-realm");
    assert.equal(app.layout, "20210101");
    assert.equal(app.clientAppId, "vfs_master");
    assert.equal(app.name, "vfs_master");
    assert.equal(app.location, "US-VA");
    assert.equal(app.deploymentModel, "LOCAL");
    assert.equal(app.environment, "production");
    assert.equal(app.customUserData.onUserCreationFunctionName, "onUserCreation");
    assert.equal(app.customUserData.userIdField, "id");
    assert.deepEqual(authTriggers(app), [["Trigger-on-user-auth", "CREATE", "onUserCreation", true]]);
    assert.deepEqual(app.triggers.find((t) => t.type === "AUTHENTICATION")!.providers, ["local-userpass", "api-key", "custom-function"]);
    assert.equal(app.triggers.filter((t) => t.type === "DATABASE").length, 5);
    assert.ok(Array.isArray(app.values["InitPostProcess"]!.value));
    assert.ok(app.presentFeatures.includes("sync (flexible)"));
    assert.ok(app.presentFeatures.includes("triggers: 5 DATABASE"));
    assert.ok(app.presentFeatures.includes("rules (8 collection rules, 1 default rule)"));
  });

  it("realm__realm-sync-demos: custom-function CREATE trigger, environment values without values/", async () => {
    const app = await load("realm__realm-sync-demos");
    assert.equal(app.clientAppId, "phase-2-sandbox-vikjc");
    assert.equal(app.providers["custom-function"]!.config["authFunctionName"], "customAuthFunction");
    assert.deepEqual(authTriggers(app), [["onNewUser", "CREATE", "createNewUser", false]]);
    assert.deepEqual(app.triggers.find((t) => t.name === "onNewUser")!.providers, ["custom-function"]);
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
    assert.equal(app.triggers.find((t) => t.name === "DeletedUser")!.providers.length, 7);
    assert.ok(app.warnings.some((w) => w.startsWith("trigger DeletedUser lists providers that are not configured")));
    assert.equal(app.providers["local-userpass"]!.config["confirmationFunctionName"], "confirmUser");
    assert.equal(app.functions.length, 27);
    assert.ok(app.presentFeatures.includes("graphql (6 custom resolvers)"));
    assert.ok(app.presentFeatures.includes("triggers: 3 DATABASE"));
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
    assert.equal(app.providers["local-userpass"]!.config["autoConfirm"], undefined);
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
    assert.equal(app.providers["oauth2-apple"]!.config["clientId"], "com.haydendavidson.COOL-NAME-HERE");
    assert.equal(app.triggers.length, 7);
    assert.equal(app.triggers.filter((t) => t.functionName === undefined).length, 6);
    assert.equal(app.warnings.filter((w) => w.includes("names no function")).length, 6);
    assert.deepEqual(authTriggers(app), [
      ["AddCrewMember", "CREATE", undefined, true],
      ["userRegistered", "CREATE", undefined, false],
    ]);
    assert.ok(app.presentFeatures.includes("services: gcm (gcm)"));
    assert.ok(app.presentFeatures.includes("hosting (custom domain mycrew.app)"));
    assert.ok(app.presentFeatures.includes("http_endpoints (1 legacy HTTP service with 0 webhooks)"));
  });

  it("bisratttt__Discovery: on-user-creation function, DELETE trigger", async () => {
    const app = await load("bisratttt__Discovery");
    assert.equal(app.customUserData.onUserCreationFunctionName, "createUserPreferences");
    assert.deepEqual(authTriggers(app), [["deleteUserMetadata", "DELETE", "deleteUserMetadataTrigger", false]]);
    assert.ok(app.presentFeatures.includes("triggers: 2 DATABASE, 1 SCHEDULED"));
    assert.ok(app.functions.filter((f) => f.private).length > app.functions.length / 2);
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
    assert.deepEqual(app.presentFeatures, ["graphql", "triggers: 1 DATABASE", "rules (1 collection rule)", "schemas (1 collection)"]);
  });
});
