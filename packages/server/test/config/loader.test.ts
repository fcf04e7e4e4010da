/**
 * The loader on small synthetic apps: file formatting, function sources, environments, ids,
 * legacy layouts, and the examples/todo app that `npm start` serves.
 */
import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { join, sep } from "node:path";
import { deriveClientAppId, deriveDomainId, loadAppDirectory, slugify } from "../../src/config/index.js";
import { findJsonErrorOffset } from "../../src/config/json-position.js";
import { ROOT, makeApp, removeApps, repoRoot } from "./helpers.js";

after(removeApps);

describe("file formatting", () => {
  it("accepts a BOM, tabs and no trailing newline", async () => {
    const dir = await makeApp({
      "realm_config.json": '\uFEFF{\n\t"app_id": "bom-app",\n\t"name": "bom"\n}',
      "auth/providers.json": '\uFEFF{\n\t"anon-user": {\n\t\t"name": "anon-user",\n\t\t"type": "anon-user",\n\t\t"disabled": false\n\t}\n}',
      "auth/custom_user_data.json": '{"enabled": false}',
      "functions/config.json": '[\r\n\t{"name": "f"}\r\n]',
    });
    const app = await loadAppDirectory(dir);
    assert.equal(app.clientAppId, "bom-app");
    assert.deepEqual(Object.keys(app.providers), ["anon-user"]);
    assert.equal(app.functions[0]!.name, "f");
  });
});

describe("providers", () => {
  it("fills defaults for missing disabled, config and lists", async () => {
    const dir = await makeApp({
      "realm_config.json": ROOT,
      "auth/providers.json": {
        "api-key": { name: "api-key", type: "api-key" },
      },
    });
    const app = await loadAppDirectory(dir);
    assert.deepEqual(app.providers["api-key"], {
      name: "api-key",
      type: "api-key",
      disabled: false,
      config: {},
      secretConfig: {},
      metadataFields: [],
      redirectUris: [],
      domainRestrictions: [],
    });
  });

  it("no auth/providers.json means no providers", async () => {
    const app = await loadAppDirectory(await makeApp({ "realm_config.json": ROOT }));
    assert.deepEqual(app.providers, {});
    assert.deepEqual(app.customUserData, { enabled: false });
  });

  it("a __proto__ key stays an ordinary entry", async () => {
    const dir = await makeApp({
      "realm_config.json": ROOT,
      "auth/providers.json": '{"__proto__": {"name": "__proto__", "type": "anon-user"}}',
    });
    const app = await loadAppDirectory(dir);
    assert.ok(Object.hasOwn(app.providers, "__proto__"));
    assert.equal(Object.getPrototypeOf(app.providers), Object.prototype);
  });
});

describe("functions", () => {
  it("reads sources at functions/<name>.js, names with slashes included", async () => {
    const dir = await makeApp({
      "realm_config.json": ROOT,
      "functions/config.json": [
        { name: "auth/onCreate", private: true, run_as_system: true },
        { name: "hello", can_evaluate: {} },
        { name: "gone" },
      ],
      "functions/auth/onCreate.js": "exports = function(user) { return user.id; };",
      "functions/hello.js": 'exports = () => "hi";',
    });
    const app = await loadAppDirectory(dir);
    assert.deepEqual(
      app.functions.map((f) => [f.name, f.private, f.runAsSystem, f.source !== undefined]),
      [
        ["auth/onCreate", true, true, true],
        ["hello", false, false, true],
        ["gone", false, false, false],
      ],
    );
    assert.equal(app.functions[0]!.source, "exports = function(user) { return user.id; };");
    assert.equal(app.functions[0]!.sourcePath, join(dir, "functions", "auth", "onCreate.js"));
    assert.deepEqual(app.functions[1]!.canEvaluate, {});
    assert.deepEqual(app.warnings, ["function gone declared but source missing (functions/gone.js)"]);
  });

  it("loads an undeclared .js file as a public function, with a warning", async () => {
    const dir = await makeApp({
      "realm_config.json": ROOT,
      "functions/config.json": [],
      "functions/tools/extra.js": "exports = () => 1;",
      "functions/node_modules/dep/index.js": "module.exports = 1;",
      "functions/package.json": '{"dependencies": {"dep": "1.0.0"}}',
    });
    const app = await loadAppDirectory(dir);
    assert.deepEqual(
      app.functions.map((f) => [f.name, f.private]),
      [["tools/extra", false]],
    );
    assert.equal(app.warnings.length, 1);
    assert.match(app.warnings[0]!, /^function tools\/extra has a source file \(functions\/tools\/extra\.js\) but no entry/);
    assert.deepEqual(app.presentFeatures, ["function_dependencies (functions/package.json, functions/node_modules)"]);
  });

  it("legacy functions/<dir>/config.json + source.js, the name coming from the config", async () => {
    const dir = await makeApp({
      "config.json": {
        config_version: 20200603,
        app_id: "legacy-abcde",
        name: "legacy",
      },
      "functions/helloworld/config.json": {
        name: "HelloWorld",
        private: false,
        run_as_system: true,
      },
      "functions/helloworld/source.js": "exports = () => 'hello';",
      "functions/nosource/config.json": { name: "nosource", private: true },
    });
    const app = await loadAppDirectory(dir);
    assert.equal(app.layout, "20200603");
    assert.equal(app.clientAppId, "legacy-abcde");
    const hello = app.functions.find((f) => f.name === "HelloWorld")!;
    assert.equal(hello.source, "exports = () => 'hello';");
    assert.equal(hello.sourcePath, join(dir, "functions", "helloworld", "source.js"));
    assert.deepEqual(app.warnings, ["function nosource declared but source missing (functions/nosource/source.js)"]);
  });
});

describe("values and environments", () => {
  it("reads values and the no-environment file when no environment is set", async () => {
    const dir = await makeApp({
      "realm_config.json": ROOT,
      "values/plain.json": { name: "plain", value: 42, from_secret: false },
      "values/secret.json": {
        name: "secret",
        value: "secretName",
        from_secret: true,
      },
      "values/unnamed.json": { value: [1, 2] },
      "environments/no-environment.json": { values: { a: "base" } },
      "environments/prod.json": { values: { a: "prod" } },
    });
    const app = await loadAppDirectory(dir);
    assert.deepEqual(app.values, {
      plain: { name: "plain", fromSecret: false, value: 42 },
      secret: { name: "secret", fromSecret: true, value: "secretName" },
      unnamed: { name: "unnamed", fromSecret: false, value: [1, 2] },
    });
    assert.equal(app.environment, undefined);
    assert.deepEqual(app.environmentValues, { a: "base" });
    const prod = await loadAppDirectory(dir, { environment: "prod" });
    assert.equal(prod.environment, "prod");
    assert.deepEqual(prod.environmentValues, { a: "prod" });
  });

  it("an environment without a file gives no values and a warning", async () => {
    const dir = await makeApp({
      "realm_config.json": { ...ROOT, environment: "staging" },
    });
    const app = await loadAppDirectory(dir);
    assert.equal(app.environment, "staging");
    assert.deepEqual(app.environmentValues, {});
    assert.deepEqual(app.warnings, [
      'environment "staging" selected but environments/staging.json does not exist; no environment values loaded',
    ]);
  });
});

describe("ids and defaults", () => {
  it("clientAppId: option, then app_id, then slug of name, then slug of the directory name", async () => {
    const named = await makeApp({
      "realm_config.json": { name: "My Tasks! (v2)" },
    });
    assert.equal((await loadAppDirectory(named)).clientAppId, "my-tasks-v2");
    assert.equal((await loadAppDirectory(named, { clientAppId: "override-1" })).clientAppId, "override-1");
    const withId = await makeApp({
      "realm_config.json": { app_id: "tasks-abcde", name: "Tasks" },
    });
    assert.equal((await loadAppDirectory(withId)).clientAppId, "tasks-abcde");
    const anonymous = await makeApp({ "stitch.json": { config_version: 20180301 } }, "Old Stitch_App");
    const app = await loadAppDirectory(anonymous);
    assert.equal(app.clientAppId, "old-stitch_app");
    assert.equal(app.name, "Old Stitch_App");
    assert.equal(app.layout, "20180301");
  });

  it("slugify and deriveClientAppId", () => {
    assert.equal(slugify("  Hello, World__x-- "), "hello-world__x");
    assert.equal(slugify("ÄÖÜ"), "");
    assert.equal(deriveClientAppId({ name: "ÄÖÜ", dir: "/apps/Fallback Dir" }), "fallback-dir");
    assert.equal(deriveClientAppId({ dir: "/apps/%%%" }), "app");
  });

  it("domainId is the first 24 hex digits of sha256('gatehouse-domain:' + clientAppId)", () => {
    const expected = createHash("sha256").update("gatehouse-domain:todo-gatehouse").digest("hex").slice(0, 24);
    assert.equal(deriveDomainId("todo-gatehouse"), expected);
    assert.equal(deriveDomainId("todo-gatehouse"), "e62d87cc62e0b7ac2b434330");
    assert.notEqual(deriveDomainId("todo-gatehouse2"), expected);
  });

  it("location and deployment model default to US-VA and GLOBAL", async () => {
    const app = await loadAppDirectory(await makeApp({ "root_config.json": { name: "x" } }));
    assert.equal(app.location, "US-VA");
    assert.equal(app.deploymentModel, "GLOBAL");
    assert.deepEqual(app.allowedRequestOrigins, []);
  });

  it("legacy allowed origins live under security", async () => {
    const dir = await makeApp({
      "config.json": {
        config_version: 20200603,
        name: "x",
        security: { allowed_request_origins: ["http://a"] },
      },
    });
    assert.deepEqual((await loadAppDirectory(dir)).allowedRequestOrigins, ["http://a"]);
  });

  it("realm_config.json wins over root_config.json, with a warning", async () => {
    const dir = await makeApp({
      "realm_config.json": { name: "a" },
      "root_config.json": { name: "b" },
    });
    const app = await loadAppDirectory(dir);
    assert.equal(app.name, "a");
    assert.deepEqual(app.warnings, ["root_config.json ignored: realm_config.json takes precedence"]);
  });
});

describe("examples/todo", () => {
  it("loads as the app npm start serves", async () => {
    const app = await loadAppDirectory(join(repoRoot, "examples", "todo"));
    assert.ok(app.dir.endsWith(`examples${sep}todo`));
    assert.equal(app.layout, "20210101");
    assert.equal(app.clientAppId, "todo-gatehouse");
    assert.equal(app.name, "todo");
    assert.equal(app.domainId, deriveDomainId("todo-gatehouse"));
    assert.equal(app.providers["anon-user"]!.disabled, false);
    assert.equal(app.providers["api-key"]!.disabled, true);
    const userpass = app.providers["local-userpass"]!;
    assert.equal(userpass.disabled, false);
    assert.deepEqual(userpass.config, {
      autoConfirm: true,
      emailConfirmationUrl: "http://localhost:9090/confirm",
      resetPasswordUrl: "http://localhost:9090/reset",
      runConfirmationFunction: false,
      runResetFunction: false,
    });
    assert.deepEqual(app.customUserData, { enabled: false });
    assert.deepEqual(app.functions, []);
    assert.deepEqual(app.triggers, []);
    assert.equal(Object.keys(app.values).length, 1);
    assert.ok(Object.values(app.values).every((v) => !v.fromSecret));
    assert.deepEqual(app.warnings, []);
    assert.deepEqual(app.presentFeatures, []);
  });
});

describe("findJsonErrorOffset", () => {
  it("returns undefined for valid JSON and the offset of the first error otherwise", () => {
    assert.equal(findJsonErrorOffset('{"a": [1, 2.5e3, true, null, "x\\u00e9"]}'), undefined);
    assert.equal(findJsonErrorOffset('{"a": 1,}'), 8);
    assert.equal(findJsonErrorOffset("[1, 2,]"), 6);
    assert.equal(findJsonErrorOffset('{"a": tru}'), 6);
    assert.equal(findJsonErrorOffset('{"a": 1} x'), 9);
    assert.equal(findJsonErrorOffset('{"a": "x\ny"}'), 8);
    assert.equal(findJsonErrorOffset("{"), 1);
  });
});
