import { timingSafeEqual } from "node:crypto";
import { Errors } from "../errors.js";
import { HmacSha256 } from "./hmac-sha256.js";
import type { SigningKey } from "../server-config.js";

/**
 * The registered JWT claims (RFC 7519 §4.1) any of our tokens may carry, beside its own. Declared here
 * rather than borrowed from a JWT library: the signer is our own, and the declarations it emits must
 * not name a package the server does not depend on.
 */
export interface JwtClaims {
  iss?: string;
  sub?: string;
  aud?: string | string[];
  jti?: string;
  nbf?: number;
  exp?: number;
  iat?: number;
  [claim: string]: unknown;
}

/**
 * The JWT mechanism of an app's runtime: HS256 signing and verification with its keys. The claims of
 * the client API's tokens are in sessions/tokens.ts; the admin API signs its own with the same class.
 */

/** The claim naming the client app in both tokens: `/auth/*` routes carry no app id (PROTOCOL.md §1.5). */
export const APP_CLAIM = "gh_app";

/** What every token a {@link TokenSigner} issues carries: client tokens, and the admin API's own. */
export interface SignedClaims extends JwtClaims {
  sub: string;
  iat: number;
  exp: number;
  typ: string;
  [APP_CLAIM]: string;
}

/**
 * Signs and verifies one app's tokens. HS256 only, pinned: a token with any other `alg` (including
 * `none`) is rejected before its signature is looked at. Several keys verify; the newest signs.
 *
 * HMAC-SHA256 runs synchronously through node:crypto (a few microseconds, see hmac-sha256.ts). WebCrypto,
 * which jose uses, runs every HMAC as a job on libuv's thread pool: a thread hop per token, about ten
 * times the CPU, and (when argon2 still ran on that pool) a wait behind password hashes.
 */
export class TokenSigner {
  private readonly keys = new Map<string, HmacSha256>();
  private readonly signingKid: string;
  /** The encoded protected header of every token this signer issues. */
  private readonly header: string;

  constructor(
    readonly clientAppId: string,
    keys: SigningKey[],
  ) {
    if (keys.length === 0) throw new Error(`app ${clientAppId}: no signing key`);
    for (const key of keys) this.keys.set(key.kid, new HmacSha256(Buffer.from(key.secret, "utf8")));
    this.signingKid = keys[keys.length - 1]!.kid;
    this.header = base64url(JSON.stringify({ alg: "HS256", typ: "JWT", kid: this.signingKid }));
  }

  /** Signs claims (which must carry integer `iat`/`exp`). */
  async sign(claims: SignedClaims): Promise<string> {
    const input = `${this.header}.${base64url(JSON.stringify(claims))}`;
    return `${input}.${this.keys.get(this.signingKid)!.base64url(input)}`;
  }

  /**
   * Verifies signature, algorithm, expiry (against `nowMs`) and `typ`. Any failure is 401
   * `InvalidSession`, which is what makes both SDKs refresh (PROTOCOL.md §8.3). Takes the token itself or
   * its {@link decodeToken} (a caller that already read the app claim does not decode it twice).
   */
  async verify<T extends SignedClaims>(token: string | DecodedToken, typ: T["typ"], nowMs: number): Promise<T> {
    const decoded = typeof token === "string" ? decodeToken(token) : token;
    const header = decoded?.header;
    if (!decoded || !header) throw Errors.tokenMalformed(typ);
    const key = typeof header.kid === "string" ? this.keys.get(header.kid) : undefined;
    if (!key) throw Errors.tokenKeyUnknown();
    const invalid = () => Errors.tokenInvalid(typ);
    // Pinned algorithm; no critical header extensions are understood.
    if (header.alg !== "HS256" || header.crit !== undefined) throw invalid();
    const expected = Buffer.from(key.base64url(decoded.signingInput));
    const given = Buffer.from(decoded.signature);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw invalid();
    const payload = decoded.payload;
    if (!payload) throw invalid();
    this.checkClaims(payload, typ, nowMs);
    return payload as T;
  }

  /**
   * The checks of {@link verify} that depend on the clock and the expected type, for claims whose
   * signature was verified earlier (sessions/verified-tokens.ts): expiry and not-before against `nowMs`,
   * `typ`, the app claim and the claims that name the session.
   */
  checkClaims(payload: Record<string, unknown>, typ: string, nowMs: number): void {
    const invalid = () => Errors.tokenInvalid(typ);
    const now = Math.floor(nowMs / 1000);
    if (typeof payload.exp !== "number" || !Number.isFinite(payload.exp)) throw invalid();
    if (payload.iat !== undefined && typeof payload.iat !== "number") throw invalid();
    if (payload.nbf !== undefined && (typeof payload.nbf !== "number" || payload.nbf > now)) throw invalid();
    if (payload.exp <= now) throw Errors.tokenExpired(typ);
    if (payload.typ !== typ) {
      throw Errors.tokenWrongType(typ);
    }
    if (payload[APP_CLAIM] !== this.clientAppId || typeof payload.sub !== "string") throw invalid();
    // The claims that name the session are looked up in the store: anything but a string is refused here.
    if (typ.endsWith("access") ? typeof payload.iss !== "string" : typeof payload.baas_id !== "string") throw invalid();
  }
}

const base64url = (text: string) => Buffer.from(text, "utf8").toString("base64url");

/** A three-part token split and its JSON segments decoded, nothing checked yet. */
export interface DecodedToken {
  /** `header.payload`, what the signature covers. */
  signingInput: string;
  signature: string;
  /** Undefined when the segment is not a base64url JSON object. */
  header: Record<string, unknown> | undefined;
  payload: Record<string, unknown> | undefined;
}

/** Splits a token and decodes its header and payload once, for the app lookup and the verification. */
export function decodeToken(token: string): DecodedToken | undefined {
  const first = token.indexOf(".");
  const last = token.lastIndexOf(".");
  // Exactly three parts: two dots.
  if (first < 0 || first === last || token.indexOf(".", first + 1) !== last) return undefined;
  return {
    signingInput: token.slice(0, last),
    signature: token.slice(last + 1),
    header: decodeSegment(token.slice(0, first)),
    payload: decodeSegment(token.slice(first + 1, last)),
  };
}

/** A base64url JSON object segment, or undefined. */
function decodeSegment(segment: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(segment, "base64url").toString("utf8"));
    return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Reads the app claim of a token (or of its {@link decodeToken}) without trusting it, to pick the app whose
 * keys will verify it. Returns undefined for anything that is not a three-part JWT with a string app claim.
 */
export function peekAppId(token: string | DecodedToken | undefined): string | undefined {
  const decoded = typeof token === "string" ? decodeToken(token) : token;
  const app = decoded?.payload?.[APP_CLAIM];
  return typeof app === "string" ? app : undefined;
}
