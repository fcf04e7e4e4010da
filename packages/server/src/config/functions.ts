/**
 * Functions of the 20210101 layout: `functions/config.json` (an array) and one source file per
 * function at `functions/<name>.js`, where a name may contain `/` (`auth/emailpass/onCreate`).
 */
import { invalidField } from "./errors.js";
import { Fields, describeType, fieldPath } from "./fields.js";
import { absolutePath, readJsonIfExists, readTextIfExists, walkFiles, type LoadContext } from "./read-json.js";
import type { FunctionConfig } from "./types.js";

/**
 * Builds a FunctionConfig from one config object.
 * @param f the function's config object
 * @param sourceRel its source file, relative to the app directory
 */
export async function normalizeFunction(ctx: LoadContext, f: Fields, name: string, sourceRel: string): Promise<FunctionConfig> {
  const fn: FunctionConfig = {
    name,
    private: f.bool("private", false),
    runAsSystem: f.bool("run_as_system", false),
    disableArgLogs: f.bool("disable_arg_logs", false),
    sourcePath: absolutePath(ctx, sourceRel),
  };
  const canEvaluate = f.optObject("can_evaluate");
  if (canEvaluate !== undefined) fn.canEvaluate = canEvaluate;
  const runAsUserId = f.optString("run_as_user_id");
  if (runAsUserId) fn.runAsUserId = runAsUserId;
  const script = f.optString("run_as_user_id_script_source");
  if (script) fn.runAsUserIdScriptSource = script;
  const source = await readTextIfExists(ctx, sourceRel);
  if (source === undefined) ctx.warnings.push(missingSourceWarning(name, sourceRel));
  else fn.source = source;
  return fn;
}

/** The warning for a declared function whose source file is absent. */
export function missingSourceWarning(name: string, sourceRel: string): string {
  return `function ${name} declared but source missing (${sourceRel})`;
}

/** Rejects names that would read a file outside `functions/` or that no export could produce. */
export function checkFunctionName(name: string, file: string, field: string): void {
  if (name === "") throw invalidField(file, field, "must not be empty");
  const segments = name.split("/");
  if (name.includes("\\") || segments.some((s) => s === "" || s === "." || s === "..")) {
    throw invalidField(file, field, `"${name}" is not a valid function name (no empty, "." or ".." path segments, no "\\")`);
  }
}

export async function readFunctions(ctx: LoadContext): Promise<FunctionConfig[]> {
  const file = "functions/config.json";
  const doc = await readJsonIfExists(ctx, file);
  if (doc !== undefined && !Array.isArray(doc)) {
    throw invalidField(file, undefined, `the file must hold an array of functions, got ${describeType(doc)}`);
  }
  const functions: FunctionConfig[] = [];
  const seen = new Map<string, number>();
  for (const [i, item] of (doc ?? []).entries()) {
    const f = Fields.of(item, file, fieldPath("", i), "a function");
    const name = f.string("name");
    checkFunctionName(name, file, f.at("name"));
    const first = seen.get(name);
    if (first !== undefined) throw invalidField(file, f.at("name"), `duplicate function name "${name}" (also at [${first}])`);
    seen.set(name, i);
    functions.push(await normalizeFunction(ctx, f, name, `functions/${name}.js`));
  }
  functions.push(...(await readUndeclaredSources(ctx, new Set(seen.keys()))));
  return functions;
}

/**
 * `functions/**.js` files that config.json does not declare. App Services would not deploy them;
 * we load them as public functions so a hand-written app works, and say so.
 */
async function readUndeclaredSources(ctx: LoadContext, declared: Set<string>): Promise<FunctionConfig[]> {
  const out: FunctionConfig[] = [];
  for (const rel of await walkFiles(ctx, "functions")) {
    if (!rel.endsWith(".js")) continue;
    const name = rel.slice("functions/".length, -".js".length);
    if (declared.has(name)) continue;
    ctx.warnings.push(
      `function ${name} has a source file (${rel}) but no entry in functions/config.json; loaded as a public function (private: false)`,
    );
    out.push(await normalizeFunction(ctx, new Fields({}, "functions/config.json"), name, rel));
  }
  return out;
}
