/**
 * Custom user data, functions, values, triggers and data sources with fields of the wrong type:
 * the ConfigError names the file and the field's JSON path.
 */
import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { loadAppDirectory } from "../../src/config/index.js";
import { INVALID, loadFiles, makeApp, rejectsConfig, removeApps } from "./helpers.js";

after(removeApps);

describe("custom user data, function, value, trigger and data source fields", () => {
  it("custom user data: enabled is a string", async () => {
    await rejectsConfig(loadFiles({ "auth/custom_user_data.json": { enabled: "true" } }), {
      code: INVALID,
      file: "auth/custom_user_data.json",
      field: "enabled",
    });
  });

  it("custom user data enabled without a collection", async () => {
    await rejectsConfig(
      loadFiles({
        "auth/custom_user_data.json": {
          enabled: true,
          mongo_service_name: "mongodb-atlas",
          database_name: "db",
          user_id_field: "u",
        },
      }),
      {
        code: INVALID,
        file: "auth/custom_user_data.json",
        field: "collection_name",
      },
    );
  });

  it("legacy custom_user_data_config with a wrong type", async () => {
    const dir = await makeApp({
      "config.json": {
        config_version: 20200603,
        name: "x",
        custom_user_data_config: { enabled: 1 },
      },
    });
    await rejectsConfig(loadAppDirectory(dir), {
      code: INVALID,
      file: "config.json",
      field: "custom_user_data_config.enabled",
    });
  });

  it("functions/config.json is not an array", async () => {
    await rejectsConfig(loadFiles({ "functions/config.json": { name: "f" } }), {
      code: INVALID,
      file: "functions/config.json",
      field: undefined,
    });
  });

  it("a function without name", async () => {
    await rejectsConfig(
      loadFiles({
        "functions/config.json": [{ name: "a" }, { private: true }],
      }),
      {
        code: INVALID,
        file: "functions/config.json",
        field: "[1].name",
      },
    );
  });

  it('private: "true"', async () => {
    await rejectsConfig(loadFiles({ "functions/config.json": [{ name: "a", private: "true" }] }), {
      code: INVALID,
      file: "functions/config.json",
      field: "[0].private",
    });
  });

  it("can_evaluate that is not an object", async () => {
    await rejectsConfig(
      loadFiles({
        "functions/config.json": [{ name: "a", can_evaluate: "%%true" }],
      }),
      {
        code: INVALID,
        file: "functions/config.json",
        field: "[0].can_evaluate",
      },
    );
  });

  it("a function name that leaves functions/", async () => {
    await rejectsConfig(loadFiles({ "functions/config.json": [{ name: "../../etc/passwd" }] }), {
      code: INVALID,
      file: "functions/config.json",
      field: "[0].name",
    });
  });

  it("two functions with one name", async () => {
    const err = await rejectsConfig(loadFiles({ "functions/config.json": [{ name: "a" }, { name: "a" }] }), {
      code: INVALID,
      file: "functions/config.json",
      field: "[1].name",
    });
    assert.match(err.message, /duplicate/);
  });

  it("a legacy function config with a numeric name", async () => {
    const dir = await makeApp({
      "config.json": { config_version: 20200603 },
      "functions/f/config.json": { name: 3 },
    });
    await rejectsConfig(loadAppDirectory(dir), {
      code: INVALID,
      file: "functions/f/config.json",
      field: "name",
    });
  });

  it("a value with from_secret that is not a boolean", async () => {
    await rejectsConfig(
      loadFiles({
        "values/v.json": { name: "v", from_secret: "yes", value: "s" },
      }),
      {
        code: INVALID,
        file: "values/v.json",
        field: "from_secret",
      },
    );
  });

  it("a trigger without type", async () => {
    await rejectsConfig(loadFiles({ "triggers/t.json": { name: "t", config: {} } }), {
      code: INVALID,
      file: "triggers/t.json",
      field: "type",
    });
  });

  it("an AUTHENTICATION trigger with an unknown operation type", async () => {
    await rejectsConfig(
      loadFiles({
        "triggers/t.json": {
          name: "t",
          type: "AUTHENTICATION",
          config: { operation_type: "SIGNUP" },
        },
      }),
      {
        code: INVALID,
        file: "triggers/t.json",
        field: "config.operation_type",
      },
    );
  });

  it("an AUTHENTICATION trigger whose providers is a string", async () => {
    await rejectsConfig(
      loadFiles({
        "triggers/t.json": {
          name: "t",
          type: "AUTHENTICATION",
          config: { operation_type: "LOGIN", providers: "anon-user" },
        },
      }),
      { code: INVALID, file: "triggers/t.json", field: "config.providers" },
    );
  });

  it('an AUTHENTICATION trigger with disabled: "no"', async () => {
    await rejectsConfig(
      loadFiles({
        "triggers/t.json": {
          name: "t",
          type: "AUTHENTICATION",
          disabled: "no",
          config: { operation_type: "LOGIN" },
        },
      }),
      { code: INVALID, file: "triggers/t.json", field: "disabled" },
    );
  });

  it("a data source without type", async () => {
    await rejectsConfig(
      loadFiles({
        "data_sources/mongodb-atlas/config.json": { name: "mongodb-atlas" },
      }),
      {
        code: INVALID,
        file: "data_sources/mongodb-atlas/config.json",
        field: "type",
      },
    );
  });
});
