import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Binary, Decimal128, Double, Int32, Long, ObjectId } from "bson";
import { decode, encode, parse, stringify } from "../../src/ejson.ts";

describe("ejson", () => {
  it("encodes requests in canonical EJSON, as realm-web does", () => {
    const id = new ObjectId("65f0000000000000000000ff");
    assert.deepEqual(encode({ n: 5, f: 2.5, d: new Date(0), o: id, s: "x", b: true, nul: null }), {
      n: { $numberInt: "5" },
      f: { $numberDouble: "2.5" },
      d: { $date: { $numberLong: "0" } },
      o: { $oid: "65f0000000000000000000ff" },
      s: "x",
      b: true,
      nul: null,
    });
  });

  it("keeps explicit BSON number types on the wire", () => {
    assert.deepEqual(encode([new Int32(1), new Double(2), Long.fromNumber(3)]), [
      { $numberInt: "1" },
      { $numberDouble: "2.0" },
      { $numberLong: "3" },
    ]);
  });

  it("drops undefined fields instead of sending null", () => {
    assert.deepEqual(encode({ a: undefined, b: 1 }), { b: { $numberInt: "1" } });
    assert.equal(encode(undefined), null);
  });

  it("decodes numbers natively by default, but never rounds an Int64", () => {
    const decoded = decode({ i: { $numberInt: "5" }, l: { $numberLong: "9007199254740993" }, s: { $numberLong: "7" } }) as Record<
      string,
      unknown
    >;
    assert.equal(decoded["i"], 5);
    assert.equal(decoded["s"], 7);
    assert.ok(decoded["l"] instanceof Long, "an Int64 beyond 2^53 stays a Long");
    assert.equal((decoded["l"] as Long).toString(), "9007199254740993");
  });

  it("decodes numbers to BSON wrappers in bson mode", () => {
    const decoded = decode([{ $numberInt: "5" }, { $numberDouble: "2.0" }, { $numberLong: "7" }], "bson") as unknown[];
    assert.ok(decoded[0] instanceof Int32);
    assert.ok(decoded[1] instanceof Double);
    assert.ok(decoded[2] instanceof Long);
  });

  it("decodes relaxed EJSON too", () => {
    assert.deepEqual(decode({ d: { $date: "1970-01-01T00:00:00Z" }, n: 3 }), { d: new Date(0), n: 3 });
  });

  it("accepts a bare integer inside $date (valid EJSON that bson's canonical parser rejects)", () => {
    const input = { a: { $date: 86_400_000 }, list: [{ $date: 0 }, { $date: { $numberLong: "1" } }] };
    assert.deepEqual(decode(input), { a: new Date(86_400_000), list: [new Date(0), new Date(1)] });
    assert.deepEqual(input.list[0], { $date: 0 }, "the input is not modified");
  });

  it("round-trips every BSON type used by functions through a string", () => {
    const value = {
      date: new Date(1234),
      oid: new ObjectId(),
      dec: Decimal128.fromString("1.10"),
      bin: new Binary(new Uint8Array([1, 2, 3]), 0),
      long: Long.fromString("123456789012345678"),
      nested: [{ x: 1.5 }],
    };
    const back = parse(stringify(value)) as typeof value;
    assert.equal(back.date.getTime(), 1234);
    assert.ok(back.oid.equals(value.oid));
    assert.equal(back.dec.toString(), "1.10");
    assert.deepEqual([...back.bin.buffer], [1, 2, 3]);
    assert.equal(back.long.toString(), "123456789012345678");
    assert.deepEqual(back.nested, [{ x: 1.5 }]);
  });
});
