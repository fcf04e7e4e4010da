/**
 * Admin search in provider order on PostgreSQL: the page walks the `identities_app_type_user` index and
 * checks each identity's user in a subquery of its own. Flattened into a join, the planner was free to
 * choose a merge join that walks `users` from its first id up to the first identity of the type — once
 * housekeeping had deleted the oldest anonymous users, half the table for one page (bench/scale.mjs on
 * PostgreSQL). What is pinned here is the plan's structure, which the planner's statistics cannot change:
 * `users` is read only inside a SubPlan.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { CompiledQuery } from "kysely";
import { newObjectId } from "../../src/ids.js";
import { Store, type UserQuery } from "../../src/store/store.js";
import { recordQueries } from "../helpers/query-log.js";
import { freshPostgresSchema } from "../helpers/postgres.js";
import { requirement } from "../../../../test/support/requirements.mjs";

interface PlanNode {
  "Node Type": string;
  "Relation Name"?: string;
  "Parent Relationship"?: string;
  Plans?: PlanNode[];
}

/** Where `users` is read in a plan: [inside a SubPlan or not] for each node that reads it. */
function readsOfUsers(node: PlanNode, inSubPlan = false): boolean[] {
  const sub = inSubPlan || node["Parent Relationship"] === "SubPlan";
  const here = node["Relation Name"] === "users" ? [sub] : [];
  return [...here, ...(node.Plans ?? []).flatMap((child) => readsOfUsers(child, sub))];
}

describe("admin search query plans (PostgreSQL)", { skip: requirement("postgres") }, () => {
  let store: Store;
  let drop: () => Promise<void>;
  let seen: CompiledQuery[] = [];
  const appId = "plans-app";
  before(async () => {
    const schema = await freshPostgresSchema();
    drop = schema.drop;
    store = await Store.open(schema.url);
    seen = recordQueries(store);
    for (let i = 0; i < 40; i++) {
      const id = newObjectId();
      const providerType = i % 3 === 0 ? "anon-user" : "local-userpass";
      await store.users.create(
        { id, appId, type: "normal", disabled: i % 5 === 0, data: {}, createdAt: i, sessionsValidSince: i, lastLoginAt: i },
        { userId: id, providerType, providerName: providerType, externalId: newObjectId(), providerData: {}, createdAt: i },
      );
    }
  });
  after(async () => {
    await store.close();
    await drop();
  });

  const cases: Record<string, Partial<UserQuery>> = {
    provider: { providerType: "anon-user" },
    "provider + disabled": { providerType: "anon-user", disabled: true },
    "provider after a cursor, descending": { providerType: "local-userpass", after: "f".repeat(24), desc: true },
  };
  for (const [name, filters] of Object.entries(cases)) {
    it(`${name}: users is read per identity, in a subquery, never walked by a join`, async () => {
      seen.length = 0;
      const { order, users } = await store.userSearch.search({ appId, limit: 5, ...filters });
      assert.equal(order, "provider");
      assert.ok(users.length > 0, "the page has users");
      const page = seen.find((q) => /"uid"/.test(q.sql));
      assert.ok(page, "the page query ran");
      const { rows } = await store.db.executeQuery<{ "QUERY PLAN": { Plan: PlanNode }[] }>({
        ...page,
        sql: `explain (format json) ${page.sql}`,
      });
      const reads = readsOfUsers(rows[0]!["QUERY PLAN"][0]!.Plan);
      assert.ok(reads.length > 0, "the plan reads users");
      assert.ok(
        reads.every((inSubPlan) => inSubPlan),
        `users read outside a SubPlan: ${JSON.stringify(rows[0]!["QUERY PLAN"][0]!.Plan)}`,
      );
    });
  }
});
