/**
 * Type tests: a realm-web program type-checks against our declarations (and, as a control, against
 * realm-web's own), our additions type-check, and wrong usage is rejected. Declarations are the built
 * `dist/*.d.ts`, resolved through the package's `exports` like an application would.
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { EXCLUDED, generateMemberChecks, memberKey, realmWebMembers } from "./types/realm-web-members.ts";

const here = dirname(fileURLToPath(import.meta.url));
const sdkRoot = join(here, "..");
const typesDir = join(here, "types");

const OPTIONS: ts.CompilerOptions = {
  strict: true,
  noEmit: true,
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.NodeNext,
  moduleResolution: ts.ModuleResolutionKind.NodeNext,
  lib: ["lib.es2022.d.ts", "lib.dom.d.ts"],
  // No @types/node: the main entry's declarations must stand without Node's types.
  types: [],
  skipLibCheck: false,
};

/**
 * Declaration files under node_modules (TypeScript's libs, realm-web's bundle), parsed once for all the
 * checks: they do not change during the run, and re-parsing lib.dom.d.ts for every program was most of
 * this file's time (past the runner's two minutes on a loaded machine). Our own files are read afresh.
 */
const parsedDependencies = new Map<string, ts.SourceFile>();

function sharingHost(options: ts.CompilerOptions): ts.CompilerHost {
  const host = ts.createCompilerHost(options);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (name, version, onError, create) => {
    if (!name.includes("/node_modules/")) return getSourceFile(name, version, onError, create);
    const key =
      typeof version === "object" ? `${version.languageVersion}:${version.impliedNodeFormat ?? ""}:${name}` : `${version}::${name}`;
    const known = parsedDependencies.get(key);
    if (known) return known;
    const parsed = getSourceFile(name, version, onError, create);
    if (parsed) parsedDependencies.set(key, parsed);
    return parsed;
  };
  return host;
}

/**
 * Type-checks one file (optionally with its module specifier swapped, or with generated `text` in place
 * of the file) and returns the diagnostics.
 */
function check(file: string, options: ts.CompilerOptions = OPTIONS, swap?: [string, string], text?: string): readonly ts.Diagnostic[] {
  const host = sharingHost(options);
  if (text !== undefined) {
    const getSourceFile = host.getSourceFile.bind(host);
    const fileExists = host.fileExists.bind(host);
    host.fileExists = (name) => name === file || fileExists(name);
    host.getSourceFile = (name, version, onError, create) =>
      name === file ? ts.createSourceFile(name, text, version) : getSourceFile(name, version, onError, create);
  } else if (swap) {
    const original = readFileSync(file, "utf8");
    const swapped = original.replaceAll(`"${swap[0]}"`, `"${swap[1]}"`);
    const readFile = host.readFile.bind(host);
    const getSourceFile = host.getSourceFile.bind(host);
    host.readFile = (name) => (name === file ? swapped : readFile(name));
    host.getSourceFile = (name, version, onError, create) =>
      name === file ? ts.createSourceFile(name, swapped, version) : getSourceFile(name, version, onError, create);
  }
  const program = ts.createProgram([file], options, host);
  return ts.getPreEmitDiagnostics(program);
}

function format(diagnostics: readonly ts.Diagnostic[]): string {
  return ts.formatDiagnostics(diagnostics, {
    getCanonicalFileName: (f) => f,
    getCurrentDirectory: () => sdkRoot,
    getNewLine: () => "\n",
  });
}

describe("type declarations and built entry points", () => {
  before(() => {
    // Build the declarations the checks resolve (incremental: quick when up to date).
    const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");
    execFileSync(process.execPath, [tsc, "-b", sdkRoot], { stdio: "inherit" });
  });

  it("a realm-web program type-checks against @gatehouse/sdk", () => {
    const diagnostics = check(join(typesDir, "realm-web-style.ts"));
    assert.equal(diagnostics.length, 0, format(diagnostics));
  });

  it("control: the same program type-checks against realm-web itself", () => {
    // realm-web's own .d.ts files do not pass a full check (they predate TS 5.9); judge the program only.
    const diagnostics = check(join(typesDir, "realm-web-style.ts"), { ...OPTIONS, skipLibCheck: true }, ["@gatehouse/sdk", "realm-web"]);
    assert.equal(diagnostics.length, 0, format(diagnostics));
  });

  describe("every user-facing member of realm-web's declarations, generated from its bundle.d.ts", () => {
    const bundle = createRequire(import.meta.url).resolve("realm-web/dist/bundle.d.ts");
    const all = realmWebMembers(bundle);
    const members = all.filter((m) => !(memberKey(m) in EXCLUDED));
    // A virtual file beside this one, so both packages resolve as an application's would.
    const generated = join(typesDir, "realm-web-members.generated.ts");

    it("finds the classes' members, and every exclusion still names one", () => {
      const keys = all.map(memberKey);
      for (const key of [
        "User.accessToken",
        "User.refreshToken",
        "App.logIn",
        "Credentials.static emailPassword",
        "MongoDBRealmError.errorCode",
      ]) {
        assert.ok(keys.includes(key), key);
      }
      assert.deepEqual(
        Object.keys(EXCLUDED).filter((key) => !keys.includes(key)),
        [],
        "stale exclusions",
      );
      assert.ok(members.length > 50, `${members.length} members checked`);
      // What realm-web lets a program assign: each gets a write check in the generated test.
      assert.deepEqual(members.filter((m) => m.writable).map(memberKey), ["User.accessToken", "User.refreshToken"]);
    });

    it("each is assignable (and settable where realm-web's is) in @gatehouse/sdk", () => {
      const diagnostics = check(generated, OPTIONS, undefined, generateMemberChecks(members));
      assert.equal(diagnostics.length, 0, format(diagnostics));
    });

    it("control: the same checks hold for realm-web against itself", () => {
      const diagnostics = check(generated, { ...OPTIONS, skipLibCheck: true }, undefined, generateMemberChecks(members, "realm-web"));
      assert.equal(diagnostics.length, 0, format(diagnostics));
    });

    it("control: a member our types lack fails the check", () => {
      const missing = [...members, { className: "User", name: "notAMember", isStatic: false, kind: "property" as const, writable: false }];
      const diagnostics = check(generated, OPTIONS, undefined, generateMemberChecks(missing));
      assert.ok(diagnostics.length > 0);
    });
  });

  it("the additions (listeners, storages, client errors, Node entry) type-check", () => {
    const diagnostics = check(join(typesDir, "gatehouse-additions.ts"), { ...OPTIONS, types: ["node"] });
    assert.equal(diagnostics.length, 0, format(diagnostics));
  });

  it("the built entry points load through the package's exports map", async () => {
    const sdk = await import("@gatehouse/sdk");
    const node = await import("@gatehouse/sdk/node");
    assert.equal(typeof sdk.App, "function");
    assert.equal(node.App, sdk.App, "one App class whichever entry is used");
    assert.equal(typeof node.DirectoryStorage, "function");
    assert.equal("DirectoryStorage" in sdk, false, "the main entry has no Node-only export");
  });

  it("wrong usage is rejected, one error per wrong line", () => {
    const file = join(typesDir, "wrong-usage.ts");
    const diagnostics = check(file);
    const lines = diagnostics.map((d) => d.file!.getLineAndCharacterOfPosition(d.start!).line + 1).sort((a, b) => a - b);
    const expected = readFileSync(file, "utf8")
      .split("\n")
      .flatMap((line, i) => (/\/\/ TS\d+/.test(line) ? [i + 1] : []));
    assert.deepEqual(lines, expected, format(diagnostics));
    const codes = diagnostics.map((d) => `TS${d.code}`);
    for (const line of expected) {
      const wanted = /\/\/ (TS\d+)/.exec(readFileSync(file, "utf8").split("\n")[line - 1]!)![1]!;
      assert.ok(codes.includes(wanted), `expected ${wanted} on line ${line}`);
    }
  });
});
