/**
 * Every way an app directory can be wrong: each case writes a small app to a temp dir and checks
 * the ConfigError's code, file and field. Files Gatehouse only reports on are never fatal.
 */
import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { tmpdir } from "node:os";
import { ConfigError, loadAppDirectory } from "../../src/config/index.js";
import {
  ROOT,
  makeApp,
  rejectsConfig,
  removeApps,
  type AppFiles,
} from "./helpers.js";

after(removeApps);

const INVALID = "ERR_CONFIG_INVALID_FIELD" as const;

async function loadFiles(files: AppFiles) {
  return loadAppDirectory(
    await makeApp({ "realm_config.json": ROOT, ...files }),
  );
}

function providers(entries: Record<string, object>): AppFiles {
  return { "auth/providers.json": entries };
}

describe("missing app or root config", () => {
  it("a directory that does not exist", async () => {
    await rejectsConfig(
      loadAppDirectory(join(tmpdir(), "gatehouse-no-such-dir-7f3a")),
      {
        code: "ERR_CONFIG_NO_DIR",
        file: ".",
        field: undefined,
      },
    );
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
        "auth/providers.json":
          '{\n  "anon-user": {"name": "anon-user", "type": "anon-user",}\n}',
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
    const err = await rejectsConfig(
      loadFiles({ "functions/config.json": "" }),
      {
        code: "ERR_CONFIG_INVALID_JSON",
        file: "functions/config.json",
        field: undefined,
      },
    );
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

describe("fields of the wrong type", () => {
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

  it("providers.json is not an object", async () => {
    await rejectsConfig(
      loadFiles({
        "auth/providers.json": [{ name: "anon-user", type: "anon-user" }],
      }),
      {
        code: INVALID,
        file: "auth/providers.json",
        field: undefined,
      },
    );
  });

  it('disabled: "yes"', async () => {
    const err = await rejectsConfig(
      loadFiles(
        providers({
          "anon-user": {
            name: "anon-user",
            type: "anon-user",
            disabled: "yes",
          },
        }),
      ),
      {
        code: INVALID,
        file: "auth/providers.json",
        field: "anon-user.disabled",
      },
    );
    assert.match(err.message, /true or false/);
    assert.match(err.message, /"yes"/);
  });

  it("autoConfirm: 3", async () => {
    await rejectsConfig(
      loadFiles(
        providers({
          "local-userpass": {
            name: "local-userpass",
            type: "local-userpass",
            config: { autoConfirm: 3 },
          },
        }),
      ),
      {
        code: INVALID,
        file: "auth/providers.json",
        field: "local-userpass.config.autoConfirm",
      },
    );
  });

  it("emailConfirmationUrl is not a string", async () => {
    await rejectsConfig(
      loadFiles(
        providers({
          "local-userpass": {
            type: "local-userpass",
            config: { emailConfirmationUrl: ["http://x"] },
          },
        }),
      ),
      {
        code: INVALID,
        file: "auth/providers.json",
        field: "local-userpass.config.emailConfirmationUrl",
      },
    );
  });

  it("a provider without type", async () => {
    await rejectsConfig(
      loadFiles(
        providers({
          "custom-token": { name: "custom-token", disabled: false },
        }),
      ),
      {
        code: INVALID,
        file: "auth/providers.json",
        field: "custom-token.type",
      },
    );
  });

  it("a provider entry that is not an object", async () => {
    await rejectsConfig(
      loadFiles({ "auth/providers.json": { "anon-user": true } }),
      {
        code: INVALID,
        file: "auth/providers.json",
        field: "anon-user",
      },
    );
  });

  it("provider config that is not an object", async () => {
    await rejectsConfig(
      loadFiles(
        providers({ "anon-user": { type: "anon-user", config: "none" } }),
      ),
      {
        code: INVALID,
        file: "auth/providers.json",
        field: "anon-user.config",
      },
    );
  });

  it("a metadata field whose required is a string", async () => {
    await rejectsConfig(
      loadFiles(
        providers({
          "custom-token": {
            type: "custom-token",
            metadata_fields: [{ name: "a", required: "no" }],
          },
        }),
      ),
      {
        code: INVALID,
        file: "auth/providers.json",
        field: "custom-token.metadata_fields[0].required",
      },
    );
  });

  it("a metadata field without name", async () => {
    await rejectsConfig(
      loadFiles(
        providers({
          "custom-token": {
            type: "custom-token",
            metadata_fields: [{ name: "a" }, { field_name: "b" }],
          },
        }),
      ),
      {
        code: INVALID,
        file: "auth/providers.json",
        field: "custom-token.metadata_fields[1].name",
      },
    );
  });

  it("a signing key secret name that is a number", async () => {
    await rejectsConfig(
      loadFiles(
        providers({
          "custom-token": {
            type: "custom-token",
            secret_config: { signingKeys: [1] },
          },
        }),
      ),
      {
        code: INVALID,
        file: "auth/providers.json",
        field: "custom-token.secret_config.signingKeys[0]",
      },
    );
  });

  it("redirect_uris as a string", async () => {
    await rejectsConfig(
      loadFiles(
        providers({
          "oauth2-google": {
            type: "oauth2-google",
            redirect_uris: "https://x",
          },
        }),
      ),
      {
        code: INVALID,
        file: "auth/providers.json",
        field: "oauth2-google.redirect_uris",
      },
    );
  });

  it("a legacy provider file with a wrong type", async () => {
    const dir = await makeApp({
      "config.json": { config_version: 20200603, name: "x" },
      "auth_providers/local-userpass.json": {
        name: "local-userpass",
        type: "local-userpass",
        config: { autoConfirm: "true" },
      },
    });
    await rejectsConfig(loadAppDirectory(dir), {
      code: INVALID,
      file: "auth_providers/local-userpass.json",
      field: "config.autoConfirm",
    });
  });

  it("custom user data: enabled is a string", async () => {
    await rejectsConfig(
      loadFiles({ "auth/custom_user_data.json": { enabled: "true" } }),
      {
        code: INVALID,
        file: "auth/custom_user_data.json",
        field: "enabled",
      },
    );
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
    await rejectsConfig(
      loadFiles({ "functions/config.json": [{ name: "a", private: "true" }] }),
      {
        code: INVALID,
        file: "functions/config.json",
        field: "[0].private",
      },
    );
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
    await rejectsConfig(
      loadFiles({ "functions/config.json": [{ name: "../../etc/passwd" }] }),
      {
        code: INVALID,
        file: "functions/config.json",
        field: "[0].name",
      },
    );
  });

  it("two functions with one name", async () => {
    const err = await rejectsConfig(
      loadFiles({ "functions/config.json": [{ name: "a" }, { name: "a" }] }),
      {
        code: INVALID,
        file: "functions/config.json",
        field: "[1].name",
      },
    );
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
    await rejectsConfig(
      loadFiles({ "triggers/t.json": { name: "t", config: {} } }),
      {
        code: INVALID,
        file: "triggers/t.json",
        field: "type",
      },
    );
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
    assert.ok(
      app.warnings.some(
        (w) => w.startsWith("sync/config.json") && w.includes("invalid JSON"),
      ),
    );
    assert.ok(
      app.warnings.some((w) => w.startsWith("services/twilio/config.json")),
    );
    assert.ok(
      app.warnings.some((w) => w.startsWith("http_endpoints/config.json")),
    );
    assert.equal(app.triggers[0]!.disabled, false);
    assert.deepEqual(app.presentFeatures, [
      "graphql",
      "services: twilio (unknown)",
      "triggers: 1 DATABASE",
    ]);
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
