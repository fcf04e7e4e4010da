import type { ProviderConfig } from "../../config/types.js";
import { Errors } from "../../errors.js";

/**
 * The provider's `metadata_fields` read from what the identity provider said about the user (JWT
 * claims, userinfo, Graph `/me`): `name` is a dot path, the value lands in the profile `data` under
 * `field_name` (default: `name` as written). A `required` field that is absent fails the login.
 */
export function readMetadata(
  fields: ProviderConfig["metadataFields"],
  source: Record<string, unknown>,
  label: string,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const field of fields) {
    const value = valueAt(source, field.name);
    if (value === undefined || value === null) {
      if (field.required) throw Errors.metadataMissing(label, field.name);
      continue;
    }
    Object.defineProperty(out, field.fieldName ?? field.name, { value, enumerable: true, writable: true, configurable: true });
  }
  return out;
}

/** `a.b.c` in a JSON object; an exact key containing dots wins over the path. */
export function valueAt(source: Record<string, unknown>, path: string): unknown {
  if (Object.hasOwn(source, path)) return source[path];
  let current: unknown = source;
  for (const part of path.split(".")) {
    if (typeof current !== "object" || current === null || Array.isArray(current) || !Object.hasOwn(current, part)) return undefined;
    current = (current as Record<string, unknown>)[part];
  }
  return current;
}
