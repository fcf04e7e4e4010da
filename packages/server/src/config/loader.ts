/**
 * Loads one exported App Services app directory, unchanged, into an AppConfig.
 * Layouts: 20210101 (`realm_config.json` / `root_config.json`), 20200603 (root `config.json`),
 * 20180301 (`stitch.json`). See docs/apps.md for the rules applied.
 */
import { basename, resolve } from "node:path";
import { crossCheck } from "./cross-check.js";
import { hasOwn, setOwn } from "./fields.js";
import { readCustomUserData } from "./custom-user-data.js";
import { readDataSources, readServices } from "./data-sources.js";
import { detectFeatures } from "./features.js";
import { readFunctions } from "./functions.js";
import { deriveClientAppId, deriveDomainId } from "./identity.js";
import { readLegacyFunctions } from "./legacy.js";
import { readLegacyProviders, readProviders } from "./providers.js";
import { isDirectory, isFile, type LoadContext } from "./read-json.js";
import { readRootConfig } from "./root.js";
import { readTriggers } from "./triggers.js";
import type { AppConfig } from "./types.js";
import { readEnvironmentValues, readValues } from "./values.js";

export interface LoadAppOptions {
  /** Overrides the client app id taken from the export (`app_id`, else derived from `name`). */
  clientAppId?: string;
  /** Which `environments/<env>.json` to read values from; defaults to the root config's `environment`. */
  environment?: string;
}

export const DEFAULT_LOCATION = "US-VA";
export const DEFAULT_DEPLOYMENT_MODEL = "GLOBAL";

/**
 * Reads an app directory. Throws ConfigError when a file Gatehouse relies on is missing, is not
 * valid JSON or has a field of the wrong type; everything merely odd or unsupported ends up in
 * `warnings` or `presentFeatures`.
 * @example
 * const app = await loadAppDirectory("examples/todo");
 * app.clientAppId; // "todo-gatehouse"
 * app.providers["local-userpass"]?.config.autoConfirm; // true
 */
export async function loadAppDirectory(dir: string, options: LoadAppOptions = {}): Promise<AppConfig> {
  const ctx: LoadContext = { dir: resolve(dir), warnings: [] };
  const root = await readRootConfig(ctx);
  const legacy = root.layout !== "20210101";
  await warnForeignLayoutFiles(ctx, legacy);

  const providers = legacy ? await readLegacyProviders(ctx) : await readProviders(ctx);
  const customUserData = await readCustomUserData(ctx, root);
  const functions = legacy ? await readLegacyFunctions(ctx) : await readFunctions(ctx);
  const values = await readValues(ctx);
  const environment = options.environment ?? root.environment;
  const env = await readEnvironmentValues(ctx, environment);
  const triggers = await readTriggers(ctx);

  const dataSources = await readDataSources(ctx);
  const services = await readServices(ctx);
  for (const [name, ds] of Object.entries(services.dataSources)) {
    if (hasOwn(dataSources, name)) ctx.warnings.push(`services/${name} ignored: data_sources/${name} defines the same data source`);
    else setOwn(dataSources, name, ds);
  }
  const presentFeatures = await detectFeatures(ctx, root, triggers, services, Object.values(dataSources));

  const clientAppId = deriveClientAppId({
    ...(options.clientAppId !== undefined && { explicit: options.clientAppId }),
    ...(root.appId !== undefined && { appId: root.appId }),
    ...(root.name !== undefined && { name: root.name }),
    dir: ctx.dir,
  });
  const app: AppConfig = {
    dir: ctx.dir,
    clientAppId,
    name: root.name ?? basename(ctx.dir),
    domainId: deriveDomainId(clientAppId),
    location: root.location ?? DEFAULT_LOCATION,
    deploymentModel: root.deploymentModel ?? DEFAULT_DEPLOYMENT_MODEL,
    allowedRequestOrigins: root.allowedRequestOrigins,
    providers,
    customUserData,
    functions,
    values,
    environmentValues: env.values,
    triggers,
    dataSources,
    layout: root.layout,
    warnings: ctx.warnings,
    presentFeatures,
  };
  if (environment !== undefined) app.environment = environment;
  crossCheck(app);
  return app;
}

/** Files of the other layout family are not read; say so rather than ignore them silently. */
async function warnForeignLayoutFiles(ctx: LoadContext, legacy: boolean): Promise<void> {
  if (legacy) {
    for (const file of ["auth/providers.json", "auth/custom_user_data.json", "functions/config.json"]) {
      if (await isFile(ctx, file)) ctx.warnings.push(`${file} ignored: the legacy layout does not use it`);
    }
  } else if (await isDirectory(ctx, "auth_providers")) {
    ctx.warnings.push("auth_providers/ ignored: the 20210101 layout keeps providers in auth/providers.json");
  }
}
