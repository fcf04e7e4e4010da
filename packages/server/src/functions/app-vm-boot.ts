/**
 * Building an app's VM (app-vm.ts): a QuickJS instance in a capped WebAssembly memory, then the
 * guest code every VM loads first (bson, the prelude, the built-in modules) and the app's functions,
 * each compiled once into a factory the prelude keeps.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import variant from "@jitl/quickjs-wasmfile-release-sync";
import {
  newQuickJSWASMModuleFromVariant,
  newVariant,
  type QuickJSContext,
  type QuickJSHandle,
  type QuickJSRuntime,
  type QuickJSSyncVariant,
} from "quickjs-emscripten-core";
import type { VmLimits } from "./app-vm-types.js";
import { GUEST_PRELUDE } from "./guest-prelude.js";
import { installHostFunctions, type HostFunctionDeps } from "./guest-host.js";
import { guestSources } from "./guest-sources.js";
import type { AppSandboxSpec } from "./protocol.js";

const STACK_BYTES = 512 * 1024;
/** 16 MB, the QuickJS build's initial memory (64 KiB pages). */
const INITIAL_PAGES = 256;

let compiled: WebAssembly.Module | undefined;
/**
 * QuickJS compiled once per worker: every app's instance shares the machine code (and V8's tier-up
 * of it); only memories are per app.
 */
function compiledQuickJs(): WebAssembly.Module {
  compiled ??= new WebAssembly.Module(readFileSync(createRequire(import.meta.url).resolve("@jitl/quickjs-wasmfile-release-sync/wasm")));
  return compiled;
}

/** Wraps a function source so that evaluating it gives `(context) => export`; line 1 stays line 1. */
function wrapSource(source: string): string {
  return `(function (context) { var exports; var module = { exports: undefined }; ${source}\n;return exports !== undefined ? exports : module.exports; })`;
}

/** A fresh QuickJS runtime and context in a WebAssembly memory of its own, capped at the memory limit. */
export async function newQuickJs(limits: VmLimits): Promise<{ runtime: QuickJSRuntime; ctx: QuickJSContext; memory: WebAssembly.Memory }> {
  // The variant package is CommonJS: its default import is `{default: variant}`.
  const base = ((variant as unknown as { default?: QuickJSSyncVariant }).default ?? variant) as QuickJSSyncVariant;
  // The memory limit is the WebAssembly memory's maximum: QuickJS's own limit counts allocations,
  // not bytes, in this build (no malloc_usable_size), so large buffers and strings would pass it.
  // A capped linear memory fails every allocation past the limit, whatever allocates it.
  const memory = new WebAssembly.Memory({ initial: INITIAL_PAGES, maximum: Math.max(INITIAL_PAGES, limits.memoryLimitMb * 16) });
  const module = await newQuickJSWASMModuleFromVariant(newVariant(base, { wasmModule: compiledQuickJs(), wasmMemory: memory }));
  const runtime = module.newRuntime();
  runtime.setMaxStackSize(STACK_BYTES);
  return { runtime, ctx: runtime.newContext(), memory };
}

/** The prelude's entry points (guest-prelude.ts), kept for the VM's life. */
export interface GuestEntry {
  begin: QuickJSHandle;
  end: QuickJSHandle;
  hostResult: QuickJSHandle;
  fire: QuickJSHandle;
}

/**
 * Loads bson, the prelude and the built-in module sources into `ctx`, then compiles and registers
 * every function of the app. Returns the entry points and a string handle per function name (each
 * call passes it instead of making a new string).
 */
export function loadGuest(
  ctx: QuickJSContext,
  spec: AppSandboxSpec,
  deps: HostFunctionDeps,
): { entry: GuestEntry; names: Map<string, QuickJSHandle> } {
  const sources = guestSources();
  ctx.unwrapResult(ctx.evalCode(sources.bson, "gatehouse:bson.js")).dispose();
  const prelude = ctx.unwrapResult(ctx.evalCode(GUEST_PRELUDE, "gatehouse:prelude.js"));
  const gh = installHostFunctions(ctx, deps);
  const sourcesHandle = ctx.newObject();
  for (const [name, source] of Object.entries(sources.modules)) {
    const text = ctx.newString(source);
    ctx.setProp(sourcesHandle, name, text);
    text.dispose();
  }
  const exported = ctx.unwrapResult(ctx.callFunction(prelude, ctx.undefined, gh, sourcesHandle));
  prelude.dispose();
  gh.dispose();
  sourcesHandle.dispose();
  const entry: GuestEntry = {
    begin: ctx.getProp(exported, "begin"),
    end: ctx.getProp(exported, "end"),
    hostResult: ctx.getProp(exported, "hostResult"),
    fire: ctx.getProp(exported, "fire"),
  };
  const register = ctx.getProp(exported, "register");
  exported.dispose();
  const names = new Map<string, QuickJSHandle>();
  for (const fn of spec.functions) names.set(fn.name, compile(ctx, register, fn.name, fn.source, fn.runAsSystem));
  register.dispose();
  return { entry, names };
}

/** Compiles one function's source into its factory and registers it; a source that does not compile registers its problem. */
function compile(
  ctx: QuickJSContext,
  register: QuickJSHandle,
  name: string,
  source: string | undefined,
  runAsSystem: boolean,
): QuickJSHandle {
  let factory: QuickJSHandle = ctx.undefined;
  let problem: string | undefined;
  if (source === undefined) {
    problem = `function '${name}' has no source file`;
  } else {
    const compiled = ctx.evalCode(wrapSource(source), `functions/${name}.js`);
    if (compiled.error) {
      const error = ctx.dump(compiled.error) as { message?: string };
      compiled.error.dispose();
      problem = `function '${name}' does not compile: ${error?.message ?? String(error)}`;
    } else {
      factory = compiled.value;
    }
  }
  const nameHandle = ctx.newString(name);
  const args = [factory, runAsSystem ? ctx.true : ctx.false, problem ? ctx.newString(problem) : ctx.undefined];
  ctx.unwrapResult(ctx.callFunction(register, ctx.undefined, nameHandle, ...args)).dispose();
  for (const handle of args) handle.dispose();
  return nameHandle;
}
