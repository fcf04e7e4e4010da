/**
 * Auth providers: `auth/providers.json` (an object keyed by provider name) in the 20210101 layout,
 * `auth_providers/<name>.json` (one provider per file) in the legacy layouts.
 */
import { invalidField } from "./errors.js";
import { Fields, describeType, fieldPath, hasOwn, isObject, setOwn } from "./fields.js";
import { listJsonFiles, readJsonIfExists, type LoadContext } from "./read-json.js";
import type { ProviderConfig } from "./types.js";

/** `config` keys whose type we check, per provider type. Unknown keys are kept unchecked. */
const CONFIG_SCHEMA: Record<string, { booleans?: string[]; strings?: string[]; stringOrStrings?: string[] }> = {
  "local-userpass": {
    booleans: ["autoConfirm", "runConfirmationFunction", "runResetFunction"],
    strings: [
      "emailConfirmationUrl",
      "confirmEmailSubject",
      "confirmationFunctionName",
      "confirmationFunctionId",
      "resetPasswordUrl",
      "resetPasswordSubject",
      "resetFunctionName",
      "resetFunctionId",
    ],
  },
  "custom-token": {
    booleans: ["requireAnyAudience", "useJWKURI"],
    strings: ["signingAlgorithm", "jwkURI"],
    stringOrStrings: ["audience"],
  },
  "custom-function": { strings: ["authFunctionName", "authFunctionId"] },
  "oauth2-google": { booleans: ["openId"], strings: ["clientId"] },
  "oauth2-facebook": { strings: ["clientId"] },
  "oauth2-apple": { strings: ["clientId"] },
};

/**
 * Normalises one provider entry.
 * @param key the key in providers.json (modern) or the file's base name (legacy)
 * @param path dotted path of the entry inside its file (`""` for a legacy one-provider file)
 */
export function normalizeProvider(value: unknown, file: string, path: string, key: string): ProviderConfig {
  const f = Fields.of(value, file, path, `provider "${key}"`);
  if (!f.has("type")) throw invalidField(file, f.at("type"), "is required: the provider type (anon-user, local-userpass, ...)");
  const type = f.string("type");
  if (type === "") throw invalidField(file, f.at("type"), "must not be empty");
  const name = f.optString("name") ?? key;

  const config = f.child("config");
  const schema = CONFIG_SCHEMA[type] ?? {};
  for (const k of schema.booleans ?? []) config.optBool(k);
  for (const k of schema.strings ?? []) config.optString(k);
  for (const k of schema.stringOrStrings ?? []) config.optStringOrStrings(k);

  return {
    name,
    type,
    disabled: f.bool("disabled", false),
    config: { ...config.obj },
    secretConfig: readSecretConfig(f.child("secret_config")),
    metadataFields: readMetadataFields(f),
    redirectUris: f.stringArray("redirect_uris"),
    domainRestrictions: f.stringArray("domain_restrictions"),
  };
}

function readSecretConfig(f: Fields): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const key of Object.keys(f.obj)) {
    const v = f.optStringOrStrings(key);
    if (v !== undefined) setOwn(out, key, v);
  }
  return out;
}

function readMetadataFields(f: Fields): ProviderConfig["metadataFields"] {
  const list = f.optArray("metadata_fields") ?? [];
  return list.map((item, i) => {
    const m = Fields.of(item, f.file, fieldPath(f.at("metadata_fields"), i), "a metadata field");
    const entry: ProviderConfig["metadataFields"][number] = {
      name: m.string("name"),
      required: m.bool("required", false),
    };
    const fieldName = m.optString("field_name");
    if (fieldName !== undefined && fieldName !== "") entry.fieldName = fieldName;
    return entry;
  });
}

/** Stores a provider under its name, warning when a name repeats or differs from the key. */
function addProvider(ctx: LoadContext, out: Record<string, ProviderConfig>, p: ProviderConfig, key: string, file: string): void {
  if (p.name !== key) ctx.warnings.push(`${file}: provider "${key}" is named "${p.name}"; it is served as "${p.name}"`);
  if (hasOwn(out, p.name)) ctx.warnings.push(`${file}: provider "${p.name}" is defined twice; the later definition wins`);
  setOwn(out, p.name, p);
}

/** `auth/providers.json`; no file means no providers. */
export async function readProviders(ctx: LoadContext): Promise<Record<string, ProviderConfig>> {
  const file = "auth/providers.json";
  const doc = await readJsonIfExists(ctx, file);
  const out: Record<string, ProviderConfig> = {};
  if (doc === undefined) return out;
  if (!isObject(doc)) {
    throw invalidField(file, undefined, `the file must hold an object keyed by provider name, got ${describeType(doc)}`);
  }
  for (const [key, value] of Object.entries(doc)) {
    addProvider(ctx, out, normalizeProvider(value, file, key, key), key, file);
  }
  return out;
}

/** Legacy `auth_providers/<name>.json`, one provider per file. */
export async function readLegacyProviders(ctx: LoadContext): Promise<Record<string, ProviderConfig>> {
  const out: Record<string, ProviderConfig> = {};
  for (const file of await listJsonFiles(ctx, "auth_providers")) {
    const key = file.slice("auth_providers/".length, -".json".length);
    const p = normalizeProvider(await readJsonIfExists(ctx, file), file, "", key);
    addProvider(ctx, out, p, p.name, file);
  }
  return out;
}
