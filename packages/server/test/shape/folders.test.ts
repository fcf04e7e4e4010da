/**
 * The folder arrows of DESIGN.md, pinned: which `src/` folder (or top-level module) may import which,
 * with no cycles between them; only `http/` imports Fastify; SQL libraries stay in the storage
 * folders; and the SDK imports nothing of the server. Type-only imports count: a cycle of types is
 * still a cycle. A new folder fails here until its arrows are added to ALLOWED.
 */
import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import ts from "typescript";

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "../../../..");
const serverSrc = join(repoRoot, "packages/server/src");
const sdkSrc = join(repoRoot, "packages/sdk/src");

/** Modules every folder may use: leaves that import no folder themselves. */
const BASE = ["clock", "errors", "ids", "server-config", "ejson"];

/**
 * Folder (or top-level module) → the folders it may import, besides BASE. To add a folder, add its
 * line here with the arrows DESIGN.md gives it (http → services → store; services never see Fastify;
 * routes never touch SQL); the test refuses any arrow that would close a cycle.
 */
const ALLOWED: Record<string, string[]> = {
  // leaves
  clock: [],
  errors: [],
  ejson: ["errors"],
  ids: [],
  "server-config": [],
  // The V8 heap setting `gatehouse serve` applies to its own process.
  "heap-tuning": [],
  config: [],
  customdata: [],
  mail: [],
  store: [],
  // Counters the services report to; prom-client lives here only.
  metrics: [],
  // services
  audit: ["store"],
  ratelimit: ["metrics", "store"],
  data: ["config", "store"],
  functions: ["config", "data"],
  apps: ["config", "customdata", "data", "functions", "store"],
  sessions: ["apps", "audit", "metrics", "store"],
  users: ["apps", "audit", "sessions", "store"],
  auth: ["apps", "audit", "config", "functions", "mail", "metrics", "ratelimit", "sessions", "store", "users"],
  admin: ["apps", "audit", "auth", "ratelimit", "sessions", "store", "users"],
  migration: ["auth", "data", "store"],
  // wiring, HTTP and entry points
  services: [
    "admin",
    "apps",
    "audit",
    "auth",
    "config",
    "functions",
    "mail",
    "metrics",
    "migration",
    "ratelimit",
    "sessions",
    "store",
    "users",
  ],
  http: ["admin", "apps", "auth", "functions", "metrics", "migration", "services", "sessions", "users"],
  server: ["auth", "config", "http", "metrics", "services", "store"],
  // The --workers supervisor and its workers (node:cluster).
  cluster: ["metrics", "server", "store"],
  "admin-cli": ["admin", "audit", "store"],
  cli: ["admin-cli", "cluster", "config", "heap-tuning", "migration", "server"],
  index: ["config", "server", "store"],
};

/** Packages only some folders may import. */
const RESTRICTED: { name: string; packages: RegExp; only: string[]; why: string }[] = [
  { name: "Fastify", packages: /^(fastify|@fastify\/.*)$/, only: ["http"], why: "services never see Fastify" },
  // migration/ bulk-loads users in batches, beside the store's repositories.
  {
    name: "SQL libraries",
    packages: /^(kysely|pg|better-sqlite3)$/,
    only: ["store", "data", "migration"],
    why: "routes and the other services do not touch SQL",
  },
];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return /\.(ts|tsx)$/.test(entry.name) && !entry.name.endsWith(".d.ts") ? [path] : [];
  });
}

/** Every module specifier a file imports or re-exports, statically or with `import()`, types included. */
function specifiers(file: string): string[] {
  const source = ts.createSourceFile(file, readFileSync(file, "utf8"), ts.ScriptTarget.ES2022, true);
  const found: string[] = [];
  const visit = (node: ts.Node): void => {
    if (
      (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) &&
      node.moduleSpecifier &&
      ts.isStringLiteral(node.moduleSpecifier)
    ) {
      found.push(node.moduleSpecifier.text);
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      const [arg] = node.arguments;
      if (arg && ts.isStringLiteralLike(arg)) found.push(arg.text);
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument) && ts.isStringLiteral(node.argument.literal)) {
      found.push(node.argument.literal.text);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

/** The folder of a server source file, or the module name of a top-level file. */
function unitOf(file: string): string {
  const [first, ...rest] = relative(serverSrc, file).split(sep);
  return rest.length === 0 ? first!.replace(/\.tsx?$/, "") : first!;
}

const packageName = (specifier: string) =>
  specifier
    .split("/")
    .slice(0, specifier.startsWith("@") ? 2 : 1)
    .join("/");

interface Arrow {
  from: string;
  to: string;
  file: string;
}

function serverArrows(): { arrows: Arrow[]; packages: Arrow[] } {
  const arrows: Arrow[] = [];
  const packages: Arrow[] = [];
  for (const file of sourceFiles(serverSrc)) {
    const from = unitOf(file);
    for (const specifier of specifiers(file)) {
      if (!specifier.startsWith(".")) {
        packages.push({ from, to: packageName(specifier), file });
        continue;
      }
      const target = resolve(dirname(file), specifier);
      const to = unitOf(target.replace(/\.js$/, ".ts"));
      if (to !== from) arrows.push({ from, to, file: relative(repoRoot, file) });
    }
  }
  return { arrows, packages };
}

/** A cycle in the allowed arrows, as a path, or undefined. */
function cycleIn(graph: Record<string, string[]>): string[] | undefined {
  const state = new Map<string, "open" | "done">();
  const path: string[] = [];
  const visit = (node: string): string[] | undefined => {
    if (state.get(node) === "done") return undefined;
    if (state.get(node) === "open") return [...path.slice(path.indexOf(node)), node];
    state.set(node, "open");
    path.push(node);
    for (const next of graph[node] ?? []) {
      const found = visit(next);
      if (found) return found;
    }
    path.pop();
    state.set(node, "done");
    return undefined;
  };
  for (const node of Object.keys(graph)) {
    const found = visit(node);
    if (found) return found;
  }
  return undefined;
}

describe("the shape DESIGN.md gives the code", () => {
  const { arrows, packages } = serverArrows();

  it("has an arrow list for every folder and top-level module of packages/server/src", () => {
    const units = [...new Set(sourceFiles(serverSrc).map(unitOf))].sort();
    const missing = units.filter((unit) => !(unit in ALLOWED));
    assert.deepEqual(missing, [], `add these to ALLOWED in ${relative(repoRoot, fileURLToPath(import.meta.url))}`);
  });

  it("allows no cycle between folders", () => {
    const graph = Object.fromEntries(
      Object.entries(ALLOWED).map(([unit, targets]) => [unit, [...targets, ...(BASE.includes(unit) ? [] : BASE)]]),
    );
    assert.equal(cycleIn(graph)?.join(" → "), undefined);
  });

  it("imports between folders only along the allowed arrows", () => {
    const wrong = arrows
      .filter(({ from, to }) => !BASE.includes(to) && !(ALLOWED[from] ?? []).includes(to))
      .map(({ from, to, file }) => `${from} → ${to} (${file})`);
    assert.deepEqual([...new Set(wrong)].sort(), []);
    const fromBase = arrows.filter(({ from, to }) => BASE.includes(from) && !(ALLOWED[from] ?? []).includes(to));
    assert.deepEqual(
      fromBase.map(({ from, to, file }) => `${from} → ${to} (${file})`),
      [],
    );
  });

  for (const rule of RESTRICTED) {
    it(`imports ${rule.name} only in ${rule.only.join(", ")}: ${rule.why}`, () => {
      const wrong = packages
        .filter(({ from, to }) => rule.packages.test(to) && !rule.only.includes(from))
        .map(({ to, file }) => `${relative(repoRoot, file)} imports ${to}`);
      assert.deepEqual(wrong, []);
    });
  }

  it("keeps the SDK free of the server: no import of @gatehouse/server or of a path outside packages/sdk/src", () => {
    const wrong: string[] = [];
    for (const file of sourceFiles(sdkSrc)) {
      for (const specifier of specifiers(file)) {
        const outside = specifier.startsWith(".") && relative(sdkSrc, resolve(dirname(file), specifier)).startsWith("..");
        if (outside || packageName(specifier) === "@gatehouse/server") wrong.push(`${relative(repoRoot, file)} imports ${specifier}`);
      }
    }
    assert.deepEqual(wrong, []);
  });

  it("control: the checks see type-only and dynamic imports", () => {
    const file = join(serverSrc, "auth", "hooks.ts");
    assert.ok(
      specifiers(file).some((s) => s.includes("apps/app-runtime")),
      "a type-only import is an arrow",
    );
    assert.ok(arrows.some((a) => a.from === "sessions" && a.to === "apps"));
    assert.ok(packages.some((p) => p.from === "http" && p.to === "fastify"));
  });
});
