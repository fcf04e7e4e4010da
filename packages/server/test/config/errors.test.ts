/**
 * Apps that cannot load: no directory, no root config, invalid JSON, a root config of the wrong
 * shape. Each case writes a small app to a temp dir and checks the ConfigError's code, file and
 * field. Files Gatehouse only reports on are never fatal.
 */
import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { tmpdir } from "node:os";
import { ConfigError, loadAppDirectory } from "../../src/config/index.js";
import { INVALID, ROOT, loadFiles, makeApp, rejectsConfig, removeApps } from "./helpers.js";

after(removeApps);

describe("missing app or root config", () => {
  it("a directory that does not exist", async () => {
    await rejectsConfig(loadAppDirectory(join(tmpdir(), "gatehouse-no-such-dir-7f3a")), {
      code: "ERR_CONFIG_NO_DIR",
      file: ".",
      field: undefined,
    });
  });

  it("no realm_config.json, root_config.json, config.json or stitch.json", async () => {
    const dir = await makeApp({ "auth/providers.json": {} });
    const err = await rejectsConfig(loadAppDirectory(dir), {
      code: "ERR_CONFIG_NO_ROOT",
      file: ".",
      field: undefined,
    });
    assert.match(err.message, /realm_config\.json/);
    assert.match(err.message, /stitch\.json/);
    assert.ok(err instanceof Error);
    assert.equal(err.name, "ConfigError");
  });
});

describe("invalid JSON", () => {
  it("in the root config, with line and column", async () => {
    const dir = await makeApp({
      "realm_config.json": '{\n    "app_id": "x",\n    "name" "x"\n}\n',
    });
    const err = await rejectsConfig(loadAppDirectory(dir), {
      code: "ERR_CONFIG_INVALID_JSON",
      file: "realm_config.json",
      field: undefined,
    });
    assert.equal(err.line, 3);
    assert.equal(err.column, 12);
    assert.match(err.message, /^realm_config\.json:3:12: invalid JSON/);
  });

  it("a trailing comma in auth/providers.json (a message without a position from JSON.parse)", async () => {
    const err = await rejectsConfig(
      loadFiles({
        "auth/providers.json": '{\n  "anon-user": {"name": "anon-user", "type": "anon-user",}\n}',
      }),
      {
        code: "ERR_CONFIG_INVALID_JSON",
        file: "auth/providers.json",
        field: undefined,
      },
    );
    assert.equal(err.line, 2);
    assert.equal(err.column, 58); // the "}" where a property name should follow the comma
  });

  it("an empty functions/config.json", async () => {
    const err = await rejectsConfig(loadFiles({ "functions/config.json": "" }), {
      code: "ERR_CONFIG_INVALID_JSON",
      file: "functions/config.json",
      field: undefined,
    });
    assert.match(err.message, /empty/);
  });

  it("in a legacy auth_providers file", async () => {
    const dir = await makeApp({
      "config.json": { config_version: 20200603, name: "x" },
      "auth_providers/anon-user.json": "{",
    });
    await rejectsConfig(loadAppDirectory(dir), {
      code: "ERR_CONFIG_INVALID_JSON",
      file: "auth_providers/anon-user.json",
      field: undefined,
    });
  });
});
describe("root config fields of the wrong type", () => {
  it("realm_config.json is an array", async () => {
    const dir = await makeApp({ "realm_config.json": [] });
    await rejectsConfig(loadAppDirectory(dir), {
      code: INVALID,
      file: "realm_config.json",
      field: undefined,
    });
  });

  it("app_id is a number", async () => {
    const dir = await makeApp({ "realm_config.json": { ...ROOT, app_id: 5 } });
    await rejectsConfig(loadAppDirectory(dir), {
      code: INVALID,
      file: "realm_config.json",
      field: "app_id",
    });
  });

  it("allowed_request_origins is a string", async () => {
    const dir = await makeApp({
      "realm_config.json": { ...ROOT, allowed_request_origins: "*" },
    });
    await rejectsConfig(loadAppDirectory(dir), {
      code: INVALID,
      file: "realm_config.json",
      field: "allowed_request_origins",
    });
  });
});

describe("files Gatehouse does not serve are never fatal", () => {
  it("broken sync, graphql, hosting and service files load with warnings", async () => {
    const app = await loadFiles({
      "sync/config.json": "{ not json",
      "graphql/config.json": "also not json",
      "hosting/config.json": "[",
      "services/twilio/config.json": "{",
      "http_endpoints/config.json": "nope",
      "triggers/db.json": {
        name: "db",
        type: "DATABASE",
        disabled: "yes",
        config: 7,
      },
    });
    assert.ok(app.warnings.some((w) => w.startsWith("sync/config.json") && w.includes("invalid JSON")));
    assert.ok(app.warnings.some((w) => w.startsWith("services/twilio/config.json")));
    assert.ok(app.warnings.some((w) => w.startsWith("http_endpoints/config.json")));
    assert.equal(app.triggers[0]!.disabled, false);
    assert.deepEqual(app.presentFeatures, ["graphql", "services: twilio (unknown)", "triggers: 1 DATABASE"]);
  });
});

describe("ConfigError", () => {
  it("carries a code and names file and field in its message", () => {
    const err = new ConfigError({
      code: INVALID,
      file: "auth/providers.json",
      field: "a.b",
      problem: "expected x",
    });
    assert.equal(err.message, 'auth/providers.json field "a.b": expected x');
    assert.equal(err.problem, "expected x");
  });
});
