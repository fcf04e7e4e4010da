/**
 * Providers with fields of the wrong type, in auth/providers.json and in legacy
 * auth_providers/<name>.json: the ConfigError names the file and the field's JSON path.
 */
import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { loadAppDirectory } from "../../src/config/index.js";
import { INVALID, loadFiles, makeApp, rejectsConfig, removeApps, type AppFiles } from "./helpers.js";

after(removeApps);

function providers(entries: Record<string, object>): AppFiles {
  return { "auth/providers.json": entries };
}

describe("provider fields of the wrong type", () => {
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
    await rejectsConfig(loadFiles({ "auth/providers.json": { "anon-user": true } }), {
      code: INVALID,
      file: "auth/providers.json",
      field: "anon-user",
    });
  });

  it("provider config that is not an object", async () => {
    await rejectsConfig(loadFiles(providers({ "anon-user": { type: "anon-user", config: "none" } })), {
      code: INVALID,
      file: "auth/providers.json",
      field: "anon-user.config",
    });
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
});
