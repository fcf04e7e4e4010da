import { mingo } from "../data/mingo.js";
import type { ContextUser, RequestInfo } from "./types.js";

/**
 * App Services rule expressions, as used by a function's `can_evaluate`.
 *
 * An expression is an object whose entries must all hold. A key is an expansion (`"%%user.id"`), a
 * logical operator (`$and`, `$or`, `$nor` over sub-expressions, `$not` over one) or `%function`. The
 * value next to an expansion is either a literal compared for equality, or an operator document
 * (`$eq $ne $in $nin $exists $gt $gte $lt $lte`, ... — anything mingo's query language knows).
 * Expansions may appear in values too (`{"%%user.id": {"$in": "%%values.admins"}}`).
 *
 * Expansions: `%%user` (`id`, `type`, `data`, `identities`, `custom_data`), `%%request`,
 * `%%values.<name>`, `%%environment` (`tag`, `values`), `%%args` (`%%args.0` ...), `%%true`, `%%false`.
 * `{"%function": {"name": "f", "arguments": [...]}}` calls a function (as system) and holds when it
 * returns a truthy value; in value position it expands to the function's result.
 */

/** What expansions read. */
export interface RuleInputs {
  user: ContextUser | null;
  request?: RequestInfo;
  values: Record<string, unknown>;
  environment: { tag: string; values: Record<string, unknown> };
  args: unknown[];
}

/** Calls a function for `%function`. */
export type RuleFunctionCaller = (name: string, args: unknown[]) => Promise<unknown>;

/** Scripts have no place in a rule; mingo would run `$where` in the server's main thread. */
const MINGO_OPTIONS = { scriptEnabled: false };

/**
 * Evaluates `expression` (absent or `{}` means allowed).
 *
 * @example
 * ```ts
 * await evaluateRule({ "%%user.data.email": { $in: ["a@b.c"] } }, inputs); // true or false
 * ```
 */
export async function evaluateRule(
  expression: Record<string, unknown> | undefined,
  inputs: RuleInputs,
  callFunction?: RuleFunctionCaller,
): Promise<boolean> {
  return new RuleEvaluator(inputs, callFunction).holds(expression ?? {});
}

class RuleEvaluator {
  constructor(
    private readonly inputs: RuleInputs,
    private readonly callFunction?: RuleFunctionCaller,
  ) {}

  async holds(expression: unknown): Promise<boolean> {
    if (!isPlainObject(expression)) return false;
    for (const [key, value] of Object.entries(expression)) {
      if (!(await this.entryHolds(key, value))) return false;
    }
    return true;
  }

  private async entryHolds(key: string, value: unknown): Promise<boolean> {
    switch (key) {
      case "$and":
        return Array.isArray(value) && (await every(value, (e) => this.holds(e)));
      case "$or":
        return Array.isArray(value) && (await some(value, (e) => this.holds(e)));
      case "$nor":
        return Array.isArray(value) && !(await some(value, (e) => this.holds(e)));
      case "$not":
        return !(await this.holds(value));
      case "%function":
        return Boolean(await this.runFunction(value));
    }
    // A plain field name means nothing here (there is no document): deny rather than guess.
    if (!key.startsWith("%%")) return false;
    const actual = this.expand(key);
    const expected = await this.expandValue(value);
    const probe = actual === undefined ? {} : { v: actual };
    try {
      return new (mingo().Query)({ v: expected }, MINGO_OPTIONS).test(probe);
    } catch {
      return false; // an unknown operator denies, never throws at the caller
    }
  }

  /** Resolves one `%%root.path` expansion; unknown roots and missing paths are undefined. */
  expand(text: string): unknown {
    const [root, ...path] = text.slice(2).split(".");
    let value: unknown;
    switch (root) {
      case "true":
        return true;
      case "false":
        return false;
      case "user":
        value = this.inputs.user ?? undefined;
        break;
      case "request":
        value = this.inputs.request;
        break;
      case "values":
        value = this.inputs.values;
        break;
      case "environment":
        value = this.inputs.environment;
        break;
      case "args":
        value = this.inputs.args;
        break;
      default:
        return undefined;
    }
    for (const part of path) {
      if (value === null || typeof value !== "object") return undefined;
      value = (value as Record<string, unknown>)[part];
    }
    return value;
  }

  /** Expands `%%...` strings and `%function` calls anywhere inside a value. */
  private async expandValue(value: unknown): Promise<unknown> {
    if (typeof value === "string") return value.startsWith("%%") ? this.expand(value) : value;
    if (Array.isArray(value)) return Promise.all(value.map((v) => this.expandValue(v)));
    if (!isPlainObject(value)) return value;
    if ("%function" in value) return this.runFunction(value["%function"]);
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = await this.expandValue(v);
    return out;
  }

  private async runFunction(spec: unknown): Promise<unknown> {
    if (!this.callFunction || !isPlainObject(spec) || typeof spec.name !== "string") return undefined;
    const args = Array.isArray(spec.arguments) ? await this.expandValue(spec.arguments) : [];
    return this.callFunction(spec.name, args as unknown[]);
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

async function every<T>(items: T[], test: (item: T) => Promise<boolean>): Promise<boolean> {
  for (const item of items) if (!(await test(item))) return false;
  return true;
}

async function some<T>(items: T[], test: (item: T) => Promise<boolean>): Promise<boolean> {
  for (const item of items) if (await test(item)) return true;
  return false;
}
