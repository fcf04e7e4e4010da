/**
 * Custom user data: `auth/custom_user_data.json` (20210101) or `custom_user_data_config` in the
 * legacy root config. Absent means disabled.
 */
import { invalidField } from "./errors.js";
import { Fields } from "./fields.js";
import { readJsonIfExists, type LoadContext } from "./read-json.js";
import type { RootConfig } from "./root.js";
import type { CustomUserDataConfig } from "./types.js";

export function normalizeCustomUserData(f: Fields): CustomUserDataConfig {
  const out: CustomUserDataConfig = { enabled: f.bool("enabled", false) };
  f.copyStrings(out, {
    mongo_service_name: "mongoServiceName",
    database_name: "databaseName",
    collection_name: "collectionName",
    user_id_field: "userIdField",
    on_user_creation_function_name: "onUserCreationFunctionName",
  });
  if (out.enabled) {
    // Without these there is no collection to look the user up in.
    for (const key of ["mongo_service_name", "database_name", "collection_name", "user_id_field"]) {
      if (!f.optString(key)) throw invalidField(f.file, f.at(key), "is required when custom user data is enabled");
    }
  }
  return out;
}

export async function readCustomUserData(ctx: LoadContext, root: RootConfig): Promise<CustomUserDataConfig> {
  if (root.layout === "20210101") {
    const file = "auth/custom_user_data.json";
    const doc = await readJsonIfExists(ctx, file);
    if (doc === undefined) return { enabled: false };
    return normalizeCustomUserData(Fields.of(doc, file, "", "custom user data config"));
  }
  if (!root.fields.has("custom_user_data_config")) return { enabled: false };
  return normalizeCustomUserData(root.fields.child("custom_user_data_config"));
}
