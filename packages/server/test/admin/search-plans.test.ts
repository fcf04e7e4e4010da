/**
 * Every admin user search on SQLite walks an index in page order: no full scan of a user table and no
 * sort of the matches (which would make a page cost grow with the number of users). The bench measures
 * the latency at a million users; this pins the plans that make it flat.
 */
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import BetterSqlite3 from "better-sqlite3";
import type { CompiledQuery } from "kysely";
import { Store, type UserQuery } from "../../src/store/store.js";
import { recordQueries } from "../helpers/query-log.js";

describe("admin search query plans (SQLite)", () => {
  let dir: string;
  let store: Store;
  let raw: BetterSqlite3.Database;
  let seen: CompiledQuery[] = [];
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "gatehouse-plans-"));
    store = await Store.open(`sqlite:${join(dir, "plans.db")}`);
    seen = recordQueries(store);
    raw = new BetterSqlite3(join(dir, "plans.db"), { readonly: true });
  });
  after(async () => {
    raw.close();
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });

  const day = 86_400_000;
  const cases: Record<string, Partial<UserQuery>> = {
    list: {},
    "list after a cursor, descending": { after: "0".repeat(24), desc: true },
    "email prefix": { emailKeyPrefix: "ada" },
    "id prefix": { idPrefix: "65a" },
    provider: { providerType: "anon-user" },
    disabled: { disabled: true },
    "created range": { createdAfter: Date.now() - 2 * day, createdBefore: Date.now() - day },
    "last login range": { lastLoginAfter: Date.now() - day },
    "email + provider + disabled": { emailKeyPrefix: "a", providerType: "local-userpass", disabled: false },
    "provider + created": { providerType: "api-key", createdAfter: 0 },
  };

  for (const [name, filters] of Object.entries(cases)) {
    it(`${name}: an index in page order`, async () => {
      seen.length = 0;
      await store.userSearch.search({ appId: "app", limit: 50, ...filters });
      const page = seen.find((q) => /from "users" as "u"/.test(q.sql));
      assert.ok(page, "the page query ran");
      const plan = (raw.prepare(`explain query plan ${page.sql}`).all(...(page.parameters as unknown[])) as { detail: string }[]).map(
        (r) => r.detail,
      );
      for (const step of plan) {
        assert.doesNotMatch(step, /^SCAN (u|a|ie|ip|ix)\b/, `no full scan: ${plan.join(" | ")}`);
        assert.doesNotMatch(step, /TEMP B-TREE/, `no sort of the matches: ${plan.join(" | ")}`);
      }
    });
  }
});
