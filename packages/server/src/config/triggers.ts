/**
 * Triggers (`triggers/<name>.json`, same shape in every layout). Only AUTHENTICATION triggers are
 * interpreted and checked strictly; the others are kept raw and reported as not served.
 */
import { invalidField } from "./errors.js";
import { Fields, isObject } from "./fields.js";
import { listJsonFiles, readJsonIfExists, type LoadContext } from "./read-json.js";
import type { TriggerConfig } from "./types.js";

const AUTH_OPERATIONS = ["CREATE", "LOGIN", "DELETE"];

export async function readTriggers(ctx: LoadContext): Promise<TriggerConfig[]> {
  const out: TriggerConfig[] = [];
  for (const file of await listJsonFiles(ctx, "triggers")) {
    const f = Fields.of(await readJsonIfExists(ctx, file), file, "", "a trigger");
    const name = f.optString("name") || file.slice("triggers/".length, -".json".length);
    if (!f.has("type")) throw invalidField(file, "type", "is required: the trigger type (AUTHENTICATION, DATABASE, SCHEDULED, ...)");
    const type = f.string("type");
    out.push(type === "AUTHENTICATION" ? readAuthTrigger(ctx, f, name) : readOtherTrigger(ctx, f, name, type));
  }
  return out;
}

function readAuthTrigger(ctx: LoadContext, f: Fields, name: string): TriggerConfig {
  const config = f.child("config");
  if (!config.has("operation_type"))
    throw invalidField(f.file, config.at("operation_type"), "is required for an AUTHENTICATION trigger (CREATE, LOGIN or DELETE)");
  const operationType = config.string("operation_type");
  if (!AUTH_OPERATIONS.includes(operationType)) {
    throw invalidField(f.file, config.at("operation_type"), `must be CREATE, LOGIN or DELETE, got "${operationType}"`);
  }
  const trigger: TriggerConfig = {
    name,
    type: "AUTHENTICATION",
    disabled: f.bool("disabled", false),
    operationType,
    providers: config.stringArray("providers"),
    raw: f.obj,
  };
  const functionName = functionOf(f, true);
  if (functionName !== undefined) trigger.functionName = functionName;
  else warnNoFunction(ctx, f, name, "; it will not run");
  return trigger;
}

/** DATABASE, SCHEDULED, ...: read leniently, since Gatehouse does not run them. */
function readOtherTrigger(ctx: LoadContext, f: Fields, name: string, type: string): TriggerConfig {
  const trigger: TriggerConfig = {
    name,
    type,
    disabled: f.raw("disabled") === true,
    providers: [],
    raw: f.obj,
  };
  const functionName = functionOf(f, false);
  if (functionName !== undefined) trigger.functionName = functionName;
  else warnNoFunction(ctx, f, name, "");
  return trigger;
}

/**
 * `event_processors.FUNCTION.config.function_name`, else the older top-level `function_name`.
 * With `strict`, a value of the wrong type is an error; otherwise it is ignored.
 */
function functionOf(f: Fields, strict: boolean): string | undefined {
  const processors = f.raw("event_processors");
  if (strict) {
    const fn = f.child("event_processors").child("FUNCTION").child("config").optString("function_name");
    return fn || f.optString("function_name") || undefined;
  }
  const fromProcessor = isObject(processors) && isObject(processors["FUNCTION"]) ? processors["FUNCTION"]["config"] : undefined;
  const candidate = isObject(fromProcessor) ? fromProcessor["function_name"] : undefined;
  if (typeof candidate === "string" && candidate !== "") return candidate;
  const top = f.raw("function_name");
  return typeof top === "string" && top !== "" ? top : undefined;
}

function warnNoFunction(ctx: LoadContext, f: Fields, name: string, consequence: string): void {
  const processors = f.raw("event_processors");
  const others = isObject(processors) ? Object.keys(processors).filter((k) => k !== "FUNCTION") : [];
  if (others.length > 0) {
    ctx.warnings.push(
      `trigger ${name} (${f.file}) sends its events to ${others.join(", ")}, which Gatehouse does not support${consequence}`,
    );
  } else {
    ctx.warnings.push(
      `trigger ${name} (${f.file}) names no function (no event_processors.FUNCTION.config.function_name or function_name)${consequence}`,
    );
  }
}
