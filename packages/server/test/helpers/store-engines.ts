/**
 * The two store engines the contract-style tests run on: SQLite in a temp dir, always, and PostgreSQL in a
 * fresh schema of the test database. The calling test file passes its own `requirement("postgres")`,
 * so the file declares what it needs (test/install/requirements.test.ts).
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before } from "node:test";
import { Store } from "../../src/store/store.js";
import { freshPostgresSchema } from "./postgres.js";

/** One engine: its name, whether its suite is skipped, and how to make an empty database on it. */
export interface StoreEngine {
  name: "sqlite" | "postgres";
  skip: string | false;
  open(): Promise<{ url: string; cleanup: () => Promise<void> }>;
}

/** SQLite (temp dirs named `tmpPrefix…`) and PostgreSQL, skipped as `postgresSkip` says. */
export function storeEngines(tmpPrefix: string, postgresSkip: string | false): StoreEngine[] {
  return [
    {
      name: "sqlite",
      skip: false,
      open: async () => {
        const dir = await mkdtemp(join(tmpdir(), tmpPrefix));
        return { url: `sqlite:${join(dir, "store.db")}`, cleanup: () => rm(dir, { recursive: true, force: true }) };
      },
    },
    {
      name: "postgres",
      skip: postgresSkip,
      open: async () => {
        const { url, drop } = await freshPostgresSchema();
        return { url, cleanup: drop };
      },
    },
  ];
}

/** A Store on an empty database of the engine; `close` closes it and removes the database. */
export async function openStore(engine: StoreEngine): Promise<{ store: Store; close: () => Promise<void> }> {
  const { url, cleanup } = await engine.open();
  const store = await Store.open(url);
  return {
    store,
    close: async () => {
      await store.close();
      await cleanup();
    },
  };
}

/**
 * Opens a Store on `engine` before the enclosing suite's tests and closes it after them; `opened` gets the
 * store (and may set up data on it).
 */
export function withStore(engine: StoreEngine, opened: (store: Store) => void | Promise<void>): void {
  let close = async () => {};
  before(async () => {
    const open = await openStore(engine);
    close = open.close;
    await opened(open.store);
  });
  after(() => close());
}
