/**
 * The guest text of values (guest-wire.ts): the fast paths must say exactly what the full EJSON path
 * says, value for value, or fall back to it.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { Double, EJSON, Int32, Long, ObjectId } from "bson";
import { ClientArguments } from "../../src/functions/index.js";
import { toGuestText } from "../../src/functions/guest-wire.js";

const decode = (raw: unknown) => EJSON.deserialize(raw as never, { relaxed: false }) as unknown[];

/** Argument lists as a client sends them (canonical EJSON, parsed as plain JSON). */
const samples: [unknown[], boolean][] = [
  [[], true],
  [[{ $numberInt: "1" }, { $numberInt: "2" }], true],
  [[{ $numberInt: "-2147483648" }, { $numberInt: "2147483647" }], true],
  [[{ $numberInt: "2147483648" }], false],
  [[{ $numberInt: "-0" }], false],
  [[{ $numberInt: "01" }, { $numberInt: " 1" }, { $numberInt: "1.5" }], false],
  [[{ $numberDouble: "1.0" }, { $numberDouble: "2.5" }, { $numberDouble: "1e5" }], true],
  [[{ $numberDouble: "-0.0" }], false],
  [[{ $numberDouble: "Infinity" }, { $numberDouble: "NaN" }, { $numberDouble: " 2" }], false],
  [[1, 1.5, -2147483648], true],
  [[2 ** 31, 2 ** 53, 1e300], false],
  [["text", true, false, null, { a: { b: [1, "x", { $numberInt: "3" }] } }], true],
  [[{ $oid: "65f000000000000000000001" }, { $date: { $numberLong: "1700000000000" } }], false],
  [[{ $numberLong: "5" }, { $numberDecimal: "1.5" }, { $numberInt: "1", extra: 1 }], false],
  [[{ $unknown: 1 }], false],
  [[{ nested: { $numberInt: "7" }, list: [{ $numberDouble: "0.5" }] }], true],
  [[{ ["__proto__"]: "x", 'key with "quotes"': "\u2028" }], true],
];

describe("guest wire", () => {
  for (const [raw, expectFast] of samples) {
    it(`client arguments ${JSON.stringify(raw)} read as the full decoder reads them`, () => {
      const parsed = JSON.parse(JSON.stringify(raw)) as unknown[];
      const fast = ClientArguments.from(parsed, decode);
      assert.equal(fast !== undefined, expectFast, expectFast ? "takes the fast path" : "falls back to the full decoder");
      if (fast) assert.equal(fast.text, toGuestText(decode(parsed)));
    });
  }

  it("takes the fast path for plain numbers, strings and documents, and decodes lazily", () => {
    const raw = JSON.parse('[{"$numberInt":"1"},{"$numberDouble":"2.5"},{"a":["b",null]}]') as unknown[];
    let decoded = 0;
    const args = ClientArguments.from(raw, (value) => (decoded++, decode(value)));
    assert.ok(args);
    assert.equal(args.text, 'J[1,2.5,{"a":["b",null]}]');
    assert.equal(decoded, 0);
    assert.deepEqual(args.decode(), [new Int32(1), new Double(2.5), { a: ["b", null] }]);
    assert.equal(decoded, 1);
  });

  it("leaves anything else to the full decoder", () => {
    for (const text of [
      '[{"$oid":"65f000000000000000000001"}]',
      '[{"$numberLong":"5"}]',
      "[4294967296]",
      "[-0]",
      '[{"$numberInt":"01"}]',
      '[{"a":{"$x":1}}]',
    ]) {
      assert.equal(ClientArguments.from(JSON.parse(text), decode), undefined, text);
    }
    assert.equal(ClientArguments.from({ not: "an array" }, decode), undefined);
  });

  it("writes values with only JSON's types as J + JSON, everything else as canonical EJSON", () => {
    assert.equal(toGuestText(null), "Jnull");
    assert.equal(toGuestText(undefined), "Jnull");
    assert.equal(toGuestText([new Int32(1), new Double(2.5), undefined, { a: undefined, b: "x" }]), 'J[1,2.5,null,{"b":"x"}]');
    assert.equal(toGuestText({ $key: 1 }), EJSON.stringify({ $key: 1 }, { relaxed: false }));
    const id = new ObjectId();
    assert.equal(toGuestText({ id }), EJSON.stringify({ id }, { relaxed: false }));
    assert.equal(toGuestText([Long.fromNumber(5)]), EJSON.stringify([Long.fromNumber(5)], { relaxed: false }));
    assert.equal(toGuestText([new Double(-0)]), EJSON.stringify([new Double(-0)], { relaxed: false }));
    assert.equal(toGuestText([() => 1]), EJSON.stringify([() => 1], { relaxed: false }));
    assert.equal(toGuestText(new Date(0)), EJSON.stringify(new Date(0), { relaxed: false }));
  });
});
