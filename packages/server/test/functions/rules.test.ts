import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { ObjectId } from "bson";
import { evaluateRule, type RuleInputs } from "../../src/functions/index.js";
import { alice } from "./helpers.js";

const inputs: RuleInputs = {
  user: alice,
  request: { remoteIPAddress: "10.0.0.7", requestHeaders: { "User-Agent": ["x"] } },
  values: { admins: ["alice@example.com", "root@example.com"], limit: 3 },
  environment: { tag: "production", values: { region: "eu" } },
  args: ["a", 5, { nested: new ObjectId("65f000000000000000000001") }],
};

const holds = (expression: Record<string, unknown> | undefined, extra: Partial<RuleInputs> = {}) =>
  evaluateRule(expression, { ...inputs, ...extra });

describe("can_evaluate rules", () => {
  it("allows an absent or empty rule", async () => {
    assert.equal(await holds(undefined), true);
    assert.equal(await holds({}), true);
  });

  it("compares %%user fields with literals", async () => {
    assert.equal(await holds({ "%%user.data.email": "alice@example.com" }), true);
    assert.equal(await holds({ "%%user.data.email": "bob@example.com" }), false);
    assert.equal(await holds({ "%%user.custom_data.role": "admin", "%%user.type": "normal" }), true);
    assert.equal(await holds({ "%%user.id": alice.id }, { user: null }), false, "no user: nothing matches");
  });

  it("applies comparison and set operators, with expansions on both sides", async () => {
    assert.equal(await holds({ "%%user.data.email": { $in: "%%values.admins" } }), true);
    assert.equal(await holds({ "%%user.data.email": { $nin: ["alice@example.com"] } }), false);
    assert.equal(await holds({ "%%request.remoteIPAddress": { $nin: ["1.2.3.4"] } }), true);
    assert.equal(await holds({ "%%args.1": { $gt: 4, $lte: "%%values.limit" } }), false);
    assert.equal(await holds({ "%%args.1": { $gte: 5, $ne: 6 } }), true);
    assert.equal(await holds({ "%%args.0": { $eq: "a" } }), true);
    assert.equal(await holds({ "%%args.2.nested": new ObjectId("65f000000000000000000001") }), true);
    assert.equal(await holds({ "%%user.data.phone": { $exists: false } }), true);
    assert.equal(await holds({ "%%user.data.email": { $exists: true } }), true);
    assert.equal(await holds({ "%%environment.tag": "production", "%%environment.values.region": "eu" }), true);
  });

  it("combines with $and, $or, $not and %%true/%%false", async () => {
    assert.equal(await holds({ $or: [{ "%%user.type": "server" }, { "%%args.0": "a" }] }), true);
    assert.equal(await holds({ $and: [{ "%%true": true }, { "%%false": true }] }), false);
    assert.equal(await holds({ $not: { "%%user.type": "server" } }), true);
    assert.equal(await holds({ "%%true": "%%true" }), true);
  });

  it("denies unknown expansions, plain field names and bad operators", async () => {
    assert.equal(await holds({ "%%nothing.here": "x" }), false);
    assert.equal(await holds({ email: "alice@example.com" }), false);
    assert.equal(await holds({ "%%args.0": { $bogus: 1 } }), false);
    assert.equal(await holds({ "%%args.0": { $where: "true" } }), false);
  });

  it("calls %function and uses its result", async () => {
    const calls: unknown[] = [];
    const caller = async (name: string, args: unknown[]) => {
      calls.push([name, args]);
      return name === "isAdmin" && args[0] === alice.id;
    };
    const rule = { "%function": { name: "isAdmin", arguments: ["%%user.id"] } };
    assert.equal(await evaluateRule(rule, inputs, caller), true);
    assert.equal(await evaluateRule(rule, { ...inputs, user: { ...alice, id: "other" } }, caller), false);
    assert.deepEqual(calls[0], ["isAdmin", [alice.id]]);
    assert.equal(await evaluateRule(rule, inputs), false, "no caller: a %function rule cannot hold");
  });
});
