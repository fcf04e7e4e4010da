/** The tokens' HMAC-SHA256 (apps/hmac-sha256.ts) against RFC 4231's vectors. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { HmacSha256 } from "../../src/apps/hmac-sha256.js";

const b64 = (hex: string) => Buffer.from(hex, "hex").toString("base64url");

describe("HMAC-SHA256 of the token signer", () => {
  it("gives RFC 4231's results (short key, text key, key longer than a block)", () => {
    const cases = [
      { key: Buffer.alloc(20, 0x0b), data: "Hi There", mac: "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7" },
      {
        key: Buffer.from("Jefe"),
        data: "what do ya want for nothing?",
        mac: "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
      },
      {
        key: Buffer.alloc(131, 0xaa),
        data: "Test Using Larger Than Block-Size Key - Hash Key First",
        mac: "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54",
      },
    ];
    for (const c of cases) assert.equal(new HmacSha256(c.key).base64url(c.data), b64(c.mac));
  });
});
