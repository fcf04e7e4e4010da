import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ClientError, ClientErrorCode } from "../../src/errors.ts";
import { base64Encode, base64UrlDecode, decodeToken } from "../../src/jwt.ts";
import { fakeJwt } from "../helpers/jwt.ts";

function assertMalformed(fn: () => unknown): void {
  assert.throws(fn, (err: unknown) => err instanceof ClientError && err.errorCode === ClientErrorCode.InvalidServerResponse);
}

describe("decodeToken", () => {
  it("reads claims from base64url and base64 payloads, padding optional", () => {
    const claims = { exp: 2000, iat: 200, sub: "u", user_data: { name: "Zoë ✓" } };
    assert.deepEqual(decodeToken(fakeJwt(claims)), claims);
    assert.deepEqual(decodeToken(fakeJwt(claims, false)), claims);
  });

  it("rejects a token without three parts", () => {
    assertMalformed(() => decodeToken("a.b"));
    assertMalformed(() => decodeToken("a..c"));
  });

  it("rejects a payload that is not JSON", () => {
    assertMalformed(() => decodeToken(`x.${base64Encode("not json")}.y`));
  });

  it("rejects missing, fractional or string exp/iat (realm-web and core need integers)", () => {
    assertMalformed(() => decodeToken(fakeJwt({ iat: 1 })));
    assertMalformed(() => decodeToken(fakeJwt({ exp: 1.5, iat: 1 })));
    assertMalformed(() => decodeToken(fakeJwt({ exp: "2", iat: 1 })));
  });

  it("decodes UTF-8 without Buffer", () => {
    assert.equal(base64UrlDecode(base64Encode("héllo ☃")), "héllo ☃");
  });
});
