import { decodeProtectedHeader, errors, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from "jose";
import type { KeyObject } from "node:crypto";
import { JwtRefused } from "./refusal.js";

/** Leeway for `exp`, `nbf` and `iat` against the server clock: small, for clock drift only. */
export const CLOCK_LEEWAY_SECONDS = 10;

/** What an external JWT must satisfy. */
export interface ExternalJwtRules {
  /** The accepted `alg` values; anything else (`none`, HS256 for an RSA key...) is refused first. */
  algorithms: string[];
  /** Static keys (any one may have signed), or a key set resolver. */
  keys: KeyObject[] | JWTVerifyGetKey;
  /** Accepted `iss` values; undefined means `iss` is not checked. */
  issuers?: string[];
  /** Expected audiences; `any` true: one of them in `aud` is enough, false: every one must be there. */
  audience?: { values: string[]; any: boolean };
  /** The server clock, in milliseconds. */
  nowMs: number;
}

/**
 * Verifies a JWT from an identity provider: pinned algorithm, signature, `exp` (required), `nbf`,
 * `iat` not in the future, issuer, audience, and a `sub`. Throws {@link JwtRefused}.
 */
export async function verifyExternalJwt(token: string, rules: ExternalJwtRules): Promise<JWTPayload & { sub: string }> {
  if (token.split(".").length !== 3) throw new JwtRefused("malformed", "not a signed JWT");
  let alg: unknown;
  try {
    alg = decodeProtectedHeader(token).alg;
  } catch {
    throw new JwtRefused("malformed", "the header is not base64url JSON");
  }
  if (typeof alg !== "string" || !rules.algorithms.includes(alg)) {
    throw new JwtRefused(
      "algorithm",
      `algorithm ${JSON.stringify(alg ?? null)} is not allowed (expected ${rules.algorithms.join(" or ")})`,
    );
  }
  const options = {
    algorithms: rules.algorithms,
    currentDate: new Date(rules.nowMs),
    clockTolerance: CLOCK_LEEWAY_SECONDS,
    requiredClaims: ["exp"],
  };
  let payload: JWTPayload | undefined;
  if (typeof rules.keys === "function") {
    payload = await verifyWith(token, rules.keys, options);
  } else {
    // Several keys rotate: the first that verifies wins; a token none verifies has a bad signature.
    for (const key of rules.keys) {
      try {
        payload = await verifyWith(token, key, options);
        break;
      } catch (error) {
        if (!(error instanceof JwtRefused) || error.failure !== "signature") throw error;
      }
    }
    if (!payload) throw new JwtRefused("signature", "signature verification failed");
  }
  const now = Math.floor(rules.nowMs / 1000);
  if (typeof payload.iat === "number" && payload.iat > now + CLOCK_LEEWAY_SECONDS)
    throw new JwtRefused("notYetValid", "issued in the future");
  if (rules.issuers && !(typeof payload.iss === "string" && rules.issuers.includes(payload.iss))) {
    throw new JwtRefused("issuer", "unexpected issuer");
  }
  if (rules.audience) checkAudience(payload.aud, rules.audience);
  if (typeof payload.sub !== "string" || payload.sub === "") throw new JwtRefused("subject", "no subject");
  return payload as JWTPayload & { sub: string };
}

async function verifyWith(token: string, key: KeyObject | JWTVerifyGetKey, options: Parameters<typeof jwtVerify>[2]): Promise<JWTPayload> {
  try {
    const { payload } = await (typeof key === "function" ? jwtVerify(token, key, options) : jwtVerify(token, key, options));
    return payload;
  } catch (error) {
    throw refusalOf(error);
  }
}

function refusalOf(error: unknown): unknown {
  if (error instanceof JwtRefused) return error;
  if (error instanceof errors.JWTExpired) return new JwtRefused("expired", "expired");
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.claim === "nbf") return new JwtRefused("notYetValid", "not valid yet");
    return new JwtRefused("malformed", `claim ${error.claim} is invalid`);
  }
  if (error instanceof errors.JWSSignatureVerificationFailed) return new JwtRefused("signature", "signature verification failed");
  if (error instanceof errors.JOSEAlgNotAllowed) return new JwtRefused("algorithm", "algorithm not allowed");
  if (error instanceof errors.JWKSNoMatchingKey) return new JwtRefused("keyUnknown", "unknown signing key");
  if (error instanceof errors.JWKSMultipleMatchingKeys) return new JwtRefused("signature", "signature verification failed");
  // A key of the wrong type for the algorithm is the operator's key, not the caller's token: still a refusal.
  if (error instanceof TypeError) return new JwtRefused("algorithm", "the key does not suit the algorithm");
  if (error instanceof errors.JOSEError) return new JwtRefused("malformed", "not a valid JWT");
  return error;
}

function checkAudience(aud: unknown, expected: { values: string[]; any: boolean }): void {
  const given = typeof aud === "string" ? [aud] : Array.isArray(aud) ? aud.filter((a): a is string => typeof a === "string") : [];
  const ok = expected.any ? expected.values.some((v) => given.includes(v)) : expected.values.every((v) => given.includes(v));
  if (!ok) throw new JwtRefused("audience", "audience mismatch");
}
