/**
 * Data sources: `data_sources/<name>/config.json` (20210101) and, in every layout,
 * `services/<name>/config.json`. A service of a MongoDB type is a data source (that is where the
 * legacy layouts keep `mongodb-atlas`); any other service (aws, twilio, gcm, http, ...) is only
 * reported, because Gatehouse does not provide third-party services.
 */
import { invalidField } from "./errors.js";
import { Fields, hasOwn, isObject, setOwn } from "./fields.js";
import { isFile, listDirectory, listJsonFiles, readJsonIfExists, readJsonLenient, type LoadContext } from "./read-json.js";
import type { DataSourceConfig } from "./types.js";

/** Service types that are MongoDB data sources. */
export const MONGODB_TYPES = ["mongodb-atlas", "mongodb", "mongodb-datafederation", "datalake"];

/** A third-party service found under `services/`, kept only for the start-up report. */
export interface OtherService {
  name: string;
  type: string;
  /** Legacy `incoming_webhooks/*` below the service (HTTP services). */
  webhooks: number;
}

function toDataSource(f: Fields, fallbackName: string): DataSourceConfig {
  if (!f.has("type")) throw invalidField(f.file, "type", "is required: the data source type (mongodb-atlas, ...)");
  const ds: DataSourceConfig = {
    name: f.optString("name") || fallbackName,
    type: f.string("type"),
    raw: f.obj,
  };
  const uri = f.child("config").optString("uri");
  if (uri) ds.uri = uri;
  return ds;
}

/** `data_sources/<name>/config.json`, keyed by data source name. */
export async function readDataSources(ctx: LoadContext): Promise<Record<string, DataSourceConfig>> {
  const out: Record<string, DataSourceConfig> = {};
  for (const entry of await listDirectory(ctx, "data_sources")) {
    if (!entry.isDirectory) continue;
    const file = `${entry.rel}/config.json`;
    const doc = await readJsonIfExists(ctx, file);
    if (doc === undefined) {
      ctx.warnings.push(`${entry.rel}/ has no config.json; data source ignored`);
      continue;
    }
    const ds = toDataSource(Fields.of(doc, file, "", "a data source"), entry.name);
    if (hasOwn(out, ds.name)) ctx.warnings.push(`${file}: data source "${ds.name}" is defined twice; the later definition wins`);
    setOwn(out, ds.name, ds);
  }
  return out;
}

export interface ServicesResult {
  dataSources: Record<string, DataSourceConfig>;
  others: OtherService[];
}

/** `services/<name>/config.json`: MongoDB services become data sources, the rest is reported. */
export async function readServices(ctx: LoadContext): Promise<ServicesResult> {
  const result: ServicesResult = { dataSources: {}, others: [] };
  for (const entry of await listDirectory(ctx, "services")) {
    if (!entry.isDirectory) continue;
    const file = `${entry.rel}/config.json`;
    // Read leniently first: most services are irrelevant to us and must not stop the load.
    const doc = await readJsonLenient(ctx, file);
    const type = isObject(doc) && typeof doc["type"] === "string" ? doc["type"] : undefined;
    if (type !== undefined && MONGODB_TYPES.includes(type)) {
      const ds = toDataSource(Fields.of(doc, file, "", "a service"), entry.name);
      setOwn(result.dataSources, ds.name, ds);
      continue;
    }
    const name = isObject(doc) && typeof doc["name"] === "string" && doc["name"] ? doc["name"] : entry.name;
    if (doc === undefined && !(await isFile(ctx, file))) ctx.warnings.push(`${entry.rel}/ has no config.json`);
    result.others.push({
      name,
      type: type ?? "unknown",
      webhooks: await countWebhooks(ctx, entry.rel),
    });
  }
  return result;
}

/** Legacy HTTP-service webhooks: `<service>/incoming_webhooks/<name>/` directories. */
export async function countWebhooks(ctx: LoadContext, serviceRel: string): Promise<number> {
  const entries = await listDirectory(ctx, `${serviceRel}/incoming_webhooks`);
  let n = 0;
  for (const e of entries) {
    if (e.isDirectory) n++;
    else if (e.isFile && e.name.endsWith(".json")) n++;
  }
  return n;
}

/** Legacy rule files: `services/<name>/rules/*.json`. */
export async function countLegacyRules(ctx: LoadContext): Promise<number> {
  let n = 0;
  for (const entry of await listDirectory(ctx, "services")) {
    if (entry.isDirectory) n += (await listJsonFiles(ctx, `${entry.rel}/rules`)).length;
  }
  return n;
}
