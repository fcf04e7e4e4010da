// What parts of the test suite need beyond Node 20 and the repository, decided in one place so the test
// runner and the tests agree. A missing piece skips the tests that need it with one loud line naming it
// and how to get it; under CI=true a missing piece is a failure, so CI never skips silently.
import { existsSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "../..");

const EXPORTS = "shared/fixtures/app-services-exports";

/**
 * The 15 real App Services exports: third-party data kept beside the repository, never in it.
 * GATEHOUSE_FIXTURES, else `../shared/…` beside the checkout, or beside one of its parents (a git
 * worktree at `<dir>/wt/name` finds `<dir>/shared`).
 */
export const fixturesDir = process.env.GATEHOUSE_FIXTURES || besideAncestor(EXPORTS) || resolve(repoRoot, "..", EXPORTS);

function besideAncestor(relative) {
  for (let dir = resolve(repoRoot, ".."); ; dir = dirname(dir)) {
    if (existsSync(resolve(dir, relative))) return resolve(dir, relative);
    if (dirname(dir) === dir) return undefined;
  }
}
/** The Chromium the browser tests drive (Debian's package by default). */
export const chromiumPath = process.env.CHROMIUM_PATH || "/usr/bin/chromium";
/** The PostgreSQL database the PostgreSQL tests create their schemas in. */
export const postgresUrl = process.env.GATEHOUSE_TEST_POSTGRES_URL || undefined;

const PIECES = {
  fixtures: {
    what: "the 15 real App Services exports",
    present: () => existsSync(fixturesDir),
    how: `not found at ${fixturesDir}; put them in shared/fixtures/app-services-exports beside the repository (or a parent directory) or set GATEHOUSE_FIXTURES`,
  },
  postgres: {
    what: "PostgreSQL",
    present: () => postgresUrl !== undefined,
    how: "GATEHOUSE_TEST_POSTGRES_URL is not set; start a PostgreSQL server and set it to postgres://user:password@127.0.0.1:5432/database (.ci/run does both)",
  },
  chromium: {
    what: "Chromium",
    present: () => existsSync(chromiumPath),
    how: `no browser at ${chromiumPath}; install Debian's chromium package (apt-get install chromium) or set CHROMIUM_PATH`,
  },
};

/** The names of the pieces, for the runner and for tests of this module. */
export const PIECE_NAMES = Object.keys(PIECES);

const ci = () => process.env.CI === "true";

/** The one loud line for a missing piece. */
export function missingLine(name) {
  const piece = PIECES[name];
  return `${ci() ? "MISSING" : "SKIPPED"}: tests that need ${piece.what}: ${piece.how}`;
}

/** The missing pieces, each with its loud line. */
export function missingPieces() {
  return PIECE_NAMES.filter((name) => !PIECES[name].present()).map((name) => ({ name, line: missingLine(name) }));
}

/**
 * `{ skip }` for the tests that need `name`: false when it is present, else the reason (printed once when
 * the file runs outside the runner, which prints it for the whole run). Under CI=true a missing piece
 * throws, failing the file.
 */
export function requirement(name) {
  if (!(name in PIECES)) throw new Error(`unknown test requirement '${name}'`);
  if (PIECES[name].present()) return false;
  const line = missingLine(name);
  if (ci()) throw new Error(`CI=true and a test requirement is missing. ${line}`);
  if (process.env.GATEHOUSE_TEST_REQUIREMENTS_REPORTED !== "1") console.error(line);
  return line;
}
