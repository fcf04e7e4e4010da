import { SignJWT, decodeProtectedHeader, errors as joseErrors, jwtVerify, type JWTPayload } from "jose";
import { createSecretKey, type KeyObject } from "node:crypto";
import { Errors } from "../errors.js";

/** The claim naming the client app in both tokens: `/auth/*` routes carry no app id (PROTOCOL.md §1.5). */
export const APP_CLAIM = "gh_app";

/** Claims of an access token (PROTOCOL.md §7.2), plus our app claim. */
export interface AccessClaims extends JWTPayload {
  sub: string;
  iss: string;
  iat: number;
  exp: number;
  typ: "access";
  baas_device_id: string;
  baas_domain_id: string;
  user_data?: Record<string, unknown>;
  [APP_CLAIM]: string;
}

/** Claims of a refresh token (PROTOCOL.md §7.2), plus our app claim. */
export interface RefreshClaims extends JWTPayload {
  sub: string;
  iat: number;
  exp: number;
  typ: "refresh";
  baas_id: string;
  baas_identity: { id: string; provider_type: string; provider_id: string };
  baas_data: null;
  baas_device_id: string;
  baas_domain_id: string;
  [APP_CLAIM]: string;
}

/** A named HS256 secret. */
export interface SigningKey {
  kid: string;
  secret: string;
}

/**
 * Signs and verifies one app's tokens. HS256 only, pinned: a token with any other `alg` (including
 * `none`) is rejected before its signature is looked at. Several keys verify; the newest signs.
 */
export class TokenSigner {
  private readonly keys = new Map<string, KeyObject>();
  private readonly signingKid: string;

  constructor(
    readonly clientAppId: string,
    keys: SigningKey[],
  ) {
    if (keys.length === 0) throw new Error(`app ${clientAppId}: no signing key`);
    for (const key of keys) this.keys.set(key.kid, createSecretKey(Buffer.from(key.secret, "utf8")));
    this.signingKid = keys[keys.length - 1]!.kid;
  }

  /** Signs claims (which must carry integer `iat`/`exp`). */
  async sign(claims: AccessClaims | RefreshClaims): Promise<string> {
    return new SignJWT(claims)
      .setProtectedHeader({ alg: "HS256", typ: "JWT", kid: this.signingKid })
      .sign(this.keys.get(this.signingKid)!);
  }

  /**
   * Verifies signature, algorithm, expiry (against `nowMs`) and `typ`. Any failure is 401
   * `InvalidSession`, which is what makes both SDKs refresh (PROTOCOL.md §8.3).
   */
  async verify<T extends AccessClaims | RefreshClaims>(token: string, typ: T["typ"], nowMs: number): Promise<T> {
    let kid: string | undefined;
    try {
      kid = decodeProtectedHeader(token).kid;
    } catch {
      throw Errors.invalidSession(`invalid session: malformed ${typ} token`);
    }
    const key = kid === undefined ? undefined : this.keys.get(kid);
    if (!key) throw Errors.invalidSession(`invalid session: unknown signing key`);
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, key, { algorithms: ["HS256"], currentDate: new Date(nowMs), clockTolerance: 0 }));
    } catch (error) {
      if (error instanceof joseErrors.JWTExpired) throw Errors.invalidSession(`invalid session: ${typ} token expired`);
      throw Errors.invalidSession(`invalid session: invalid ${typ} token`);
    }
    if (payload.typ !== typ) {
      throw Errors.invalidSession(typ === "refresh" ? "invalid refresh token: incorrect token type" : "invalid session: incorrect token type");
    }
    if (payload[APP_CLAIM] !== this.clientAppId || typeof payload.sub !== "string") {
      throw Errors.invalidSession(`invalid session: invalid ${typ} token`);
    }
    return payload as T;
  }
}

/**
 * Reads the app claim of a token without trusting it, to pick the app whose keys will verify it.
 * Returns undefined for anything that is not a three-part JWT with a string app claim.
 */
export function peekAppId(token: string): string | undefined {
  const parts = token.split(".");
  if (parts.length !== 3) return undefined;
  try {
    const payload = JSON.parse(Buffer.from(parts[1]!, "base64url").toString("utf8")) as Record<string, unknown>;
    const app = payload[APP_CLAIM];
    return typeof app === "string" ? app : undefined;
  } catch {
    return undefined;
  }
}
