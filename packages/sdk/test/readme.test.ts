/**
 * Runs the README: every ```ts block (not marked no-run), in order, as one module against a real
 * server. Lines of the form `console.log(expr); // true` become assertions, so the guide's claims are
 * checked, not just its syntax.
 */
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { fileURLToPath, pathToFileURL } from "node:url";
import ts from "typescript";
import { FUNCTIONS_APP, startGatehouse, TODO_APP, type TestGatehouse } from "./helpers/server.ts";

const sdkRoot = new URL("../", import.meta.url);
const README = new URL("README.md", sdkRoot);
const MODULES: Record<string, string> = {
  "@gatehouse/sdk": fileURLToPath(new URL("src/index.ts", sdkRoot)),
  "@gatehouse/sdk/node": fileURLToPath(new URL("src/node/index.ts", sdkRoot)),
};

/** The runnable code blocks of a Markdown text. */
export function runnableBlocks(markdown: string): string[] {
  return [...markdown.matchAll(/^```ts\n([\s\S]*?)^```$/gm)].map((m) => m[1]!);
}

/** Turns the blocks into one module: imports hoisted and resolved, `// true` claims asserted. */
export function toModule(blocks: string[], baseUrl: string): string {
  const imports: string[] = ['import assert from "node:assert/strict";'];
  const body: string[] = [];
  for (const line of blocks.join("\n").split("\n")) {
    const imp = /^import (.*) from "(.*)";$/.exec(line);
    if (imp) {
      const target = MODULES[imp[2]!];
      assert.ok(target, `README imports an unknown module: ${imp[2]}`);
      imports.push(`import ${imp[1]} from ${JSON.stringify(target)};`);
      continue;
    }
    const claim = /^(\s*)console\.log\((.*)\); \/\/ true\b/.exec(line);
    body.push(claim ? `${claim[1]}assert.equal(${claim[2]}, true, ${JSON.stringify(`README: ${claim[2]}`)});` : line);
  }
  return [...imports, ...body].join("\n").replaceAll("http://localhost:9090", baseUrl);
}

describe("README", () => {
  let gh: TestGatehouse;
  let work: string;
  const cwd = process.cwd();
  before(async () => {
    gh = await startGatehouse({ apps: [TODO_APP, FUNCTIONS_APP] });
    work = mkdtempSync(join(tmpdir(), "gatehouse-readme-"));
  });
  after(async () => {
    process.chdir(cwd);
    await gh.close();
    rmSync(work, { recursive: true, force: true });
  });

  it("has runnable blocks covering each operation of the guide", () => {
    const code = runnableBlocks(readFileSync(README, "utf8")).join("\n");
    for (const operation of [
      "registerUser",
      "logIn(",
      "Credentials.anonymous()",
      "switchUser",
      "logOut()",
      "removeUser",
      "deleteUser",
      "DirectoryStorage",
      "addListener",
      "refreshAccessToken",
      "customData",
      "refreshCustomData",
      "functions.",
      "callFunction",
    ]) {
      assert.ok(code.includes(operation), `no runnable README block uses ${operation}`);
    }
  });

  it("type-checks, as a realm-web or Gatehouse user would compile it", () => {
    const file = join(work, "readme-typecheck.mts");
    writeFileSync(file, toModule(runnableBlocks(readFileSync(README, "utf8")), "http://localhost:9090"));
    const program = ts.createProgram([file], {
      strict: true,
      noEmit: true,
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      allowImportingTsExtensions: true,
      lib: ["lib.es2022.d.ts", "lib.dom.d.ts"],
      types: ["node"],
      skipLibCheck: true,
    });
    const diagnostics = ts.getPreEmitDiagnostics(program).filter((d) => d.file?.fileName === file);
    const text = ts.formatDiagnostics(diagnostics, {
      getCanonicalFileName: (f) => f,
      getCurrentDirectory: () => work,
      getNewLine: () => "\n",
    });
    assert.equal(diagnostics.length, 0, text);
  });

  it("runs its code against a real server, and its `// true` claims hold", async () => {
    const module = toModule(runnableBlocks(readFileSync(README, "utf8")), gh.url);
    assert.ok((module.match(/assert\.equal\(/g) ?? []).length >= 10, "the README makes checkable claims");
    const file = join(work, "readme-program.mts");
    writeFileSync(file, module);
    process.chdir(work); // the DirectoryStorage example writes ./.gatehouse
    const log = console.log;
    console.log = () => {};
    try {
      await import(pathToFileURL(file).href);
    } finally {
      console.log = log;
    }
  });
});
