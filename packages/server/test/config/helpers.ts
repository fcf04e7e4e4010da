/** Shared helpers for the config loader tests (not a test file itself). */
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import assert from "node:assert/strict";
import { ConfigError, loadAppDirectory, type AppConfig } from "../../src/config/index.js";
import { fixturesDir } from "../../../../test/support/requirements.mjs";

/** The repository root (packages/server/test/config → ../../../..). */
export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "../../../..");

/** The real exports (test/support/requirements.mjs says where); tests that read them skip with `requirement("fixtures")`. */
export { fixturesDir };

export function fixture(name: string): string {
  return join(fixturesDir, name);
}

export const loadFixture = (name: string, options?: { environment?: string }) => loadAppDirectory(fixture(name), options);

/** AUTHENTICATION triggers as [name, operation, function, disabled], sorted by name. */
export function authTriggers(app: AppConfig): [string, string | undefined, string | undefined, boolean][] {
  return app.triggers
    .filter((t) => t.type === "AUTHENTICATION")
    .map((t) => [t.name, t.operationType, t.functionName, t.disabled] as [string, string | undefined, string | undefined, boolean])
    .sort((a, b) => (a[0] < b[0] ? -1 : 1));
}

/** Provider type → disabled. */
export function providerSummary(app: AppConfig): Record<string, boolean> {
  return Object.fromEntries(Object.values(app.providers).map((p) => [p.type, p.disabled]));
}

/** Files to write, path relative to the app dir → content (objects are JSON-encoded, 4 spaces). */
export type AppFiles = Record<string, string | object>;

const created: string[] = [];

/** Writes an app directory under the OS temp dir and returns its path. */
export async function makeApp(files: AppFiles, dirName = "app"): Promise<string> {
  const base = await mkdtemp(join(tmpdir(), "gatehouse-config-"));
  created.push(base);
  const dir = join(base, dirName);
  await mkdir(dir, { recursive: true });
  for (const [rel, content] of Object.entries(files)) {
    const path = join(dir, ...rel.split("/"));
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, typeof content === "string" ? content : JSON.stringify(content, null, 4));
  }
  return dir;
}

/** Removes every directory made by makeApp; call from `after`. */
export async function removeApps(): Promise<void> {
  await Promise.all(created.splice(0).map((d) => rm(d, { recursive: true, force: true })));
}

/** A valid 20210101 root config for synthetic apps. */
export const ROOT = {
  app_id: "test-app",
  config_version: 20210101,
  name: "test",
};

export const INVALID = "ERR_CONFIG_INVALID_FIELD" as const;

/** Loads a 20210101 app made of ROOT plus `files`. */
export async function loadFiles(files: AppFiles): Promise<AppConfig> {
  return loadAppDirectory(await makeApp({ "realm_config.json": ROOT, ...files }));
}

/** Asserts that `promise` rejects with a ConfigError and returns it for further checks. */
export async function rejectsConfig(
  promise: Promise<unknown>,
  expected: {
    code: ConfigError["code"];
    file: string;
    field: string | undefined;
  },
): Promise<ConfigError> {
  let caught: unknown;
  try {
    await promise;
  } catch (e) {
    caught = e;
  }
  assert.ok(caught instanceof ConfigError, `expected a ConfigError, got ${String(caught)}`);
  assert.equal(caught.code, expected.code, caught.message);
  assert.equal(caught.file, expected.file, caught.message);
  assert.equal(caught.field, expected.field, caught.message);
  assert.ok(caught.message.includes(expected.file), `message names the file: ${caught.message}`);
  if (expected.field !== undefined) {
    assert.ok(caught.message.includes(expected.field), `message names the field: ${caught.message}`);
  }
  return caught;
}
