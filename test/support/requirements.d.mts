/** A piece of the environment some tests need. */
export type Piece = "fixtures" | "postgres" | "chromium";
/** Where the real App Services exports are looked for (GATEHOUSE_FIXTURES, else ../shared beside the repository). */
export const fixturesDir: string;
/** The Chromium executable the browser tests launch (CHROMIUM_PATH, else /usr/bin/chromium). */
export const chromiumPath: string;
/** GATEHOUSE_TEST_POSTGRES_URL, or undefined when unset. */
export const postgresUrl: string | undefined;
/** Every piece name. */
export const PIECE_NAMES: Piece[];
/** The loud line printed when `name` is missing. */
export function missingLine(name: Piece): string;
/** The pieces missing on this machine, each with its loud line. */
export function missingPieces(): { name: Piece; line: string }[];
/** `{ skip }` value for tests that need `name`: false when present, else the reason; throws under CI=true. */
export function requirement(name: Piece): string | false;
