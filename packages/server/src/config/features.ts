/**
 * Lists what an export contains that Gatehouse does not serve, so the start-up report can say so
 * instead of ignoring it silently. Each entry starts with a stable key (`sync`, `graphql`,
 * `http_endpoints`, ...) followed by details in parentheses or after a colon; `featureKey` gets
 * the key back. Stub files every export carries (a `sync/config.json` holding only
 * `development_mode_enabled: false`, `hosting` with `enabled: false`, an empty endpoint list) do
 * not count as present.
 */
import type { OtherService, ServicesResult } from "./data-sources.js";
import { countLegacyRules, countWebhooks } from "./data-sources.js";
import { isObject, type JsonObject } from "./fields.js";
import { isDirectory, isFile, listDirectory, listJsonFiles, readJsonLenient, walkFiles, type LoadContext } from "./read-json.js";
import { ROOT_CONFIG_FILES, type RootConfig } from "./root.js";
import type { DataSourceConfig, TriggerConfig } from "./types.js";

/** The leading key of a presentFeatures entry: `"http_endpoints (3 endpoints)"` → `"http_endpoints"`. */
export function featureKey(feature: string): string {
  return /^[A-Za-z_]+/.exec(feature)?.[0] ?? feature;
}

const KNOWN_TOP_LEVEL = new Set([
  "auth",
  "auth_providers",
  "functions",
  "values",
  "environments",
  "triggers",
  "data_sources",
  "services",
  "sync",
  "graphql",
  "hosting",
  "http_endpoints",
  "https_endpoints",
  "log_forwarders",
]);

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

/** `partition` / `flexible` when a sync config is in use, undefined for stubs and disabled sync. */
export function syncMode(value: unknown): string | undefined {
  if (!isObject(value)) return undefined;
  const state = value["state"];
  const mode =
    value["type"] === "flexible" || isObject(value["flexible"])
      ? "flexible"
      : value["type"] === "partition" || isObject(value["partition"])
        ? "partition"
        : undefined;
  if (state === "enabled") return mode ?? "";
  if (state === "disabled") return undefined;
  return mode;
}

async function detectSync(ctx: LoadContext, root: RootConfig, dataSources: DataSourceConfig[]): Promise<string | undefined> {
  const candidates: unknown[] = [await readJsonLenient(ctx, "sync/config.json"), root.fields.raw("sync")];
  for (const ds of dataSources) {
    const config = ds.raw["config"];
    if (isObject(config)) candidates.push(config["sync"]);
  }
  for (const c of candidates) {
    const mode = syncMode(c);
    if (mode !== undefined) return mode === "" ? "sync" : `sync (${mode})`;
  }
  return undefined;
}

async function detectGraphql(ctx: LoadContext): Promise<string | undefined> {
  if (!(await isDirectory(ctx, "graphql"))) return undefined;
  const resolvers = (await listJsonFiles(ctx, "graphql/custom_resolvers")).length;
  return resolvers > 0 ? `graphql (${plural(resolvers, "custom resolver")})` : "graphql";
}

async function detectHosting(ctx: LoadContext, root: RootConfig): Promise<string | undefined> {
  const config = await readJsonLenient(ctx, "hosting/config.json");
  const legacy = root.fields.raw("hosting");
  const source: JsonObject | undefined = isObject(config) ? config : isObject(legacy) ? legacy : undefined;
  if (source?.["enabled"] !== true) return undefined;
  const domain = source["custom_domain"];
  return typeof domain === "string" && domain !== "" ? `hosting (custom domain ${domain})` : "hosting";
}

/** `http_endpoints/` or `https_endpoints/`: the endpoint list plus legacy HTTP services below it. */
async function detectEndpoints(ctx: LoadContext, dir: string): Promise<string[]> {
  const out: string[] = [];
  const list = await readJsonLenient(ctx, `${dir}/config.json`);
  const parts: string[] = [];
  if (Array.isArray(list) && list.length > 0) parts.push(plural(list.length, "endpoint"));
  let services = 0;
  let webhooks = 0;
  for (const entry of await listDirectory(ctx, dir)) {
    if (!entry.isDirectory || !(await isFile(ctx, `${entry.rel}/config.json`))) continue;
    services++;
    webhooks += await countWebhooks(ctx, entry.rel);
  }
  if (services > 0) parts.push(`${plural(services, "legacy HTTP service")} with ${plural(webhooks, "webhook")}`);
  if (parts.length > 0) out.push(`${dir} (${parts.join(", ")})`);
  const dataApi = await readJsonLenient(ctx, `${dir}/data_api_config.json`);
  if (isObject(dataApi) && dataApi["disabled"] !== true) out.push("data_api");
  return out;
}

function describeServices(others: OtherService[]): string | undefined {
  if (others.length === 0) return undefined;
  const items = others.map((s) => `${s.name} (${s.type}${s.webhooks > 0 ? `, ${plural(s.webhooks, "webhook")}` : ""})`);
  return `services: ${items.join(", ")}`;
}

function describeTriggers(triggers: TriggerConfig[]): string | undefined {
  const counts = new Map<string, number>();
  for (const t of triggers) if (t.type !== "AUTHENTICATION") counts.set(t.type, (counts.get(t.type) ?? 0) + 1);
  if (counts.size === 0) return undefined;
  const types = [...counts.keys()].sort();
  return `triggers: ${types.map((t) => `${counts.get(t)} ${t}`).join(", ")}`;
}

async function detectRulesAndSchemas(ctx: LoadContext): Promise<string[]> {
  let rules = await countLegacyRules(ctx);
  let defaults = 0;
  let schemas = 0;
  const files = [...(await walkFiles(ctx, "data_sources")), ...(await walkFiles(ctx, "services"))];
  for (const file of files) {
    const base = file.slice(file.lastIndexOf("/") + 1);
    if (base === "rules.json") rules++;
    else if (base === "default_rule.json") defaults++;
    else if (base === "schema.json") schemas++;
  }
  const out: string[] = [];
  const ruleParts = [rules > 0 ? plural(rules, "collection rule") : "", defaults > 0 ? plural(defaults, "default rule") : ""];
  if (rules + defaults > 0) out.push(`rules (${ruleParts.filter(Boolean).join(", ")})`);
  if (schemas > 0) out.push(`schemas (${plural(schemas, "collection")})`);
  return out;
}

async function detectLogForwarders(ctx: LoadContext): Promise<string | undefined> {
  const n = (await listJsonFiles(ctx, "log_forwarders")).length;
  return n > 0 ? `log_forwarders (${n})` : undefined;
}

async function detectFunctionDependencies(ctx: LoadContext): Promise<string | undefined> {
  const found: string[] = [];
  if (await isFile(ctx, "functions/package.json")) found.push("functions/package.json");
  if (await isDirectory(ctx, "functions/node_modules")) found.push("functions/node_modules");
  for (const entry of await listDirectory(ctx, "functions")) {
    if (entry.isFile && /^node_modules\.(zip|tar|tar\.gz|tgz|7z)$/.test(entry.name)) found.push(entry.rel);
  }
  return found.length > 0 ? `function_dependencies (${found.join(", ")})` : undefined;
}

/** Top-level entries that are not part of any export layout. */
async function warnUnknownTopLevel(ctx: LoadContext): Promise<void> {
  for (const entry of await listDirectory(ctx, ".")) {
    if (entry.name.startsWith(".") || entry.name === "node_modules") continue;
    if (entry.isDirectory && !KNOWN_TOP_LEVEL.has(entry.name)) {
      ctx.warnings.push(`${entry.name}/ is not part of the App Services export format; ignored`);
    } else if (entry.isFile && entry.name === "secrets.json") {
      ctx.warnings.push("secrets.json ignored: Gatehouse takes secret values from its own configuration");
    } else if (entry.isFile && entry.name.endsWith(".json") && !ROOT_CONFIG_FILES.includes(entry.name)) {
      ctx.warnings.push(`${entry.name} is not part of the App Services export format; ignored`);
    }
  }
}

export async function detectFeatures(
  ctx: LoadContext,
  root: RootConfig,
  triggers: TriggerConfig[],
  services: ServicesResult,
  dataSources: DataSourceConfig[],
): Promise<string[]> {
  await warnUnknownTopLevel(ctx);
  const features: (string | undefined)[] = [
    await detectSync(ctx, root, dataSources),
    await detectGraphql(ctx),
    await detectHosting(ctx, root),
    ...(await detectEndpoints(ctx, "http_endpoints")),
    ...(await detectEndpoints(ctx, "https_endpoints")),
    describeServices(services.others),
    await detectLogForwarders(ctx),
    describeTriggers(triggers),
    ...(await detectRulesAndSchemas(ctx)),
    await detectFunctionDependencies(ctx),
  ];
  return features.filter((f): f is string => f !== undefined);
}
