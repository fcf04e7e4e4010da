import { newObjectId } from "../../src/ids.js";
import { postgresUrl } from "../../../../test/support/requirements.mjs";

/** The configured test database, if any; tests decide whether to run with `requirement("postgres")`. */
export { postgresUrl };

/**
 * A fresh schema in the test database, and a URL whose connections use it (`search_path`), so each test
 * run starts empty and leaves nothing behind after `drop`.
 */
export async function freshPostgresSchema(): Promise<{ url: string; drop: () => Promise<void> }> {
  if (!postgresUrl) throw new Error("GATEHOUSE_TEST_POSTGRES_URL is not set");
  const pg = (await import("pg")).default;
  const schema = `test_${newObjectId()}`;
  const run = async (statement: string) => {
    const client = new pg.Client({ connectionString: postgresUrl });
    await client.connect();
    try {
      await client.query(statement);
    } finally {
      await client.end();
    }
  };
  await run(`create schema ${schema}`);
  const url = new URL(postgresUrl);
  url.searchParams.set("options", `-c search_path=${schema}`);
  return { url: url.toString(), drop: () => run(`drop schema ${schema} cascade`) };
}
