/**
 * What differs in the legacy layouts (realm-cli v1 `config.json` 20200603, Stitch `stitch.json`
 * 20180301) beyond providers and custom user data: one directory per function,
 * `functions/<dir>/config.json` + `functions/<dir>/source.js`. The function's name is the
 * config's `name`, which need not equal the directory name (`helloworld/` holding `HelloWorld`).
 */
import { invalidField } from "./errors.js";
import { Fields } from "./fields.js";
import { checkFunctionName, normalizeFunction } from "./functions.js";
import { isFile, listDirectory, readJsonIfExists, type LoadContext } from "./read-json.js";
import type { FunctionConfig } from "./types.js";

export async function readLegacyFunctions(ctx: LoadContext): Promise<FunctionConfig[]> {
  const functions: FunctionConfig[] = [];
  const seen = new Map<string, string>();
  for (const entry of await listDirectory(ctx, "functions")) {
    if (!entry.isDirectory) {
      if (entry.name.endsWith(".js")) {
        ctx.warnings.push(`${entry.rel} ignored: in the legacy layouts a function is a directory with config.json and source.js`);
      }
      continue;
    }
    if (entry.name === "node_modules") continue;
    const file = `${entry.rel}/config.json`;
    const sourceRel = `${entry.rel}/source.js`;
    const doc = await readJsonIfExists(ctx, file);
    let f: Fields;
    if (doc === undefined) {
      if (!(await isFile(ctx, sourceRel))) {
        ctx.warnings.push(`${entry.rel}/ has neither config.json nor source.js; ignored`);
        continue;
      }
      ctx.warnings.push(
        `function ${entry.name} has a source file (${sourceRel}) but no config.json; loaded as a public function (private: false)`,
      );
      f = new Fields({}, file);
    } else {
      f = Fields.of(doc, file, "", "a function config");
    }
    const name = f.optString("name") ?? entry.name;
    checkFunctionName(name, file, "name");
    const other = seen.get(name);
    if (other !== undefined) throw invalidField(file, "name", `duplicate function name "${name}" (also in ${other})`);
    seen.set(name, file);
    functions.push(await normalizeFunction(ctx, f, name, sourceRel));
  }
  return functions;
}
