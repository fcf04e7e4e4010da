/**
 * Finds the app's root config file, which also tells the layout:
 * `realm_config.json` / `root_config.json` (20210101), `config.json` (realm-cli v1, 20200603),
 * `stitch.json` (Stitch, 20180301).
 */
import { ConfigError } from "./errors.js";
import { Fields } from "./fields.js";
import { isDirectory, isFile, parseJson, readTextIfExists, type LoadContext } from "./read-json.js";
import type { AppConfig } from "./types.js";

export type Layout = AppConfig["layout"];

export interface RootConfig {
  layout: Layout;
  /** The root file, relative to the app directory. */
  file: string;
  fields: Fields;
  appId?: string;
  name?: string;
  location?: string;
  deploymentModel?: string;
  environment?: string;
  allowedRequestOrigins: string[];
}

const CANDIDATES: { file: string; layout: Layout }[] = [
  { file: "realm_config.json", layout: "20210101" },
  { file: "root_config.json", layout: "20210101" },
  { file: "config.json", layout: "20200603" },
  { file: "stitch.json", layout: "20180301" },
];

export const ROOT_CONFIG_FILES = CANDIDATES.map((c) => c.file);

export async function readRootConfig(ctx: LoadContext): Promise<RootConfig> {
  if (!(await isDirectory(ctx, "."))) {
    throw new ConfigError({
      code: "ERR_CONFIG_NO_DIR",
      file: ".",
      problem: `app directory ${ctx.dir} does not exist or is not a directory`,
    });
  }
  const present: { file: string; layout: Layout }[] = [];
  for (const c of CANDIDATES) if (await isFile(ctx, c.file)) present.push(c);
  const chosen = present[0];
  if (!chosen) {
    throw new ConfigError({
      code: "ERR_CONFIG_NO_ROOT",
      file: ".",
      problem:
        `no App Services root config in ${ctx.dir}: expected realm_config.json or root_config.json (config_version 20210101), ` +
        "config.json (20200603) or stitch.json (20180301)",
    });
  }
  for (const other of present.slice(1)) ctx.warnings.push(`${other.file} ignored: ${chosen.file} takes precedence`);

  const text = (await readTextIfExists(ctx, chosen.file)) ?? "";
  const fields = Fields.of(parseJson(text, chosen.file), chosen.file, "", "the root config");
  const layout = resolveLayout(ctx, chosen, fields);

  // realm-cli v1 and Stitch exports keep allowed origins under `security`.
  const security = fields.child("security");
  const origins = fields.has("allowed_request_origins")
    ? fields.stringArray("allowed_request_origins")
    : security.stringArray("allowed_request_origins");

  const root: RootConfig = {
    layout,
    file: chosen.file,
    fields,
    allowedRequestOrigins: origins,
  };
  fields.copyStrings(root, {
    app_id: "appId",
    name: "name",
    location: "location",
    deployment_model: "deploymentModel",
    environment: "environment",
  });
  return root;
}

/** The file name decides the layout; a config_version that disagrees is reported, not fatal. */
function resolveLayout(ctx: LoadContext, chosen: { file: string; layout: Layout }, fields: Fields): Layout {
  const version = fields.raw("config_version");
  if (version === undefined) return chosen.layout;
  const v = String(version);
  if (chosen.file === "config.json" && v === "20180301") return "20180301";
  if (v !== chosen.layout) {
    ctx.warnings.push(`${chosen.file} declares config_version ${v}; read as the ${chosen.layout} layout`);
  }
  return chosen.layout;
}
