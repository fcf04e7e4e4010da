/** Builds unsigned-looking JWTs for tests of token parsing (the SDK never verifies signatures). */
import { base64Encode } from "../../src/jwt.ts";

/** A JWT with the given payload, base64url-encoded (or plain base64 with padding). */
export function fakeJwt(payload: unknown, urlSafe = true): string {
  let body = base64Encode(JSON.stringify(payload));
  if (urlSafe) body = body.replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  return `${base64Encode('{"alg":"HS256","typ":"JWT"}')}.${body}.c2ln`;
}
