/**
 * Values (`values/<name>.json`) and environment values (`environments/<env>.json`).
 */
import { invalidField } from "./errors.js";
import { Fields, hasOwn, setOwn } from "./fields.js";
import { isFile, listJsonFiles, readJsonIfExists, type LoadContext } from "./read-json.js";
import type { ValueConfig } from "./types.js";

/** `values/*.json`, keyed by value name. */
export async function readValues(ctx: LoadContext): Promise<Record<string, ValueConfig>> {
  const out: Record<string, ValueConfig> = {};
  for (const file of await listJsonFiles(ctx, "values")) {
    const f = Fields.of(await readJsonIfExists(ctx, file), file, "", "a value");
    const name = f.optString("name") || file.slice("values/".length, -".json".length);
    const fromSecret = f.bool("from_secret", false);
    const value = f.obj["value"];
    if (fromSecret && typeof value !== "string") {
      throw invalidField(file, "value", "must be the name of a secret (a string) when from_secret is true");
    }
    if (hasOwn(out, name)) ctx.warnings.push(`${file}: value "${name}" is defined twice; the later definition wins`);
    setOwn(out, name, { name, fromSecret, value });
  }
  return out;
}

export interface EnvironmentValues {
  /** The environment whose file was read, if any. */
  environment?: string;
  values: Record<string, unknown>;
}

/**
 * `environments/<env>.json` `values` for `requested` (the option, else the root config's
 * `environment`). With neither, `no-environment.json` is used when it exists.
 */
export async function readEnvironmentValues(ctx: LoadContext, requested: string | undefined): Promise<EnvironmentValues> {
  const name = requested ?? "no-environment";
  if (!/^[A-Za-z0-9_-]+$/.test(name)) {
    ctx.warnings.push(`environment "${name}" is not a valid environment name; no environment values loaded`);
    return { values: {} };
  }
  const file = `environments/${name}.json`;
  if (!(await isFile(ctx, file))) {
    if (requested !== undefined)
      ctx.warnings.push(`environment "${requested}" selected but ${file} does not exist; no environment values loaded`);
    return { values: {} };
  }
  const f = Fields.of(await readJsonIfExists(ctx, file), file, "", "an environment file");
  return { environment: name, values: { ...(f.optObject("values") ?? {}) } };
}
