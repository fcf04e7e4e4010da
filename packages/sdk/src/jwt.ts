/**
 * Reads the payload of the JWTs the server issues. The SDK never verifies signatures (the server does);
 * it only needs `exp`/`iat` to schedule refreshes, `baas_device_id` and `user_data` (PROTOCOL §7.1).
 */
import { ClientError, ClientErrorCode } from "./errors.js";

/** The claims the SDK reads from an access or refresh token. */
export interface TokenClaims {
  /** Expiry, seconds since the epoch (server clock). */
  exp: number;
  /** Issue time, seconds since the epoch (server clock). */
  iat: number;
  /** Subject: the user id. */
  sub?: string;
  /** Token type, `"access"` or `"refresh"`, when the server sets it. */
  typ?: string;
  /** Device id; all zeros means "none". */
  baas_device_id?: string;
  /** Custom user data, EJSON (canonical or relaxed). */
  user_data?: unknown;
  /** Any other claim. */
  [claim: string]: unknown;
}

/**
 * Decodes a JWT payload (base64url or base64, padding optional) without verifying it.
 *
 * @throws ClientError `InvalidServerResponse` when the token is not a 3-part JWT with integer `exp`/`iat`.
 * @example
 * decodeToken(user.accessToken).exp // 1735689600
 */
export function decodeToken(token: string): TokenClaims {
  const parts = token.split(".");
  if (parts.length !== 3 || !parts[1]) throw malformed("expected a JWT with three parts");
  let claims: unknown;
  try {
    claims = JSON.parse(base64UrlDecode(parts[1]));
  } catch (cause) {
    throw malformed("payload is not base64-encoded JSON", cause);
  }
  if (typeof claims !== "object" || claims === null) throw malformed("payload is not an object");
  const { exp, iat } = claims as Record<string, unknown>;
  if (!Number.isInteger(exp) || !Number.isInteger(iat)) throw malformed("'exp' and 'iat' must be integers");
  return claims as TokenClaims;
}

function malformed(detail: string, cause?: unknown): ClientError {
  return new ClientError(ClientErrorCode.InvalidServerResponse, `Malformed token: ${detail}`, { cause });
}

/** Decodes base64url (or plain base64) to a UTF-8 string using only web-platform APIs (no Buffer). */
export function base64UrlDecode(input: string): string {
  const b64 = input.replace(/-/g, "+").replace(/_/g, "/");
  const padded = b64 + "=".repeat((4 - (b64.length % 4)) % 4);
  const binary = atob(padded);
  const bytes = Uint8Array.from(binary, (c) => c.charCodeAt(0));
  return new TextDecoder().decode(bytes);
}

/** Encodes a UTF-8 string as standard base64 using only web-platform APIs. */
export function base64Encode(input: string): string {
  const bytes = new TextEncoder().encode(input);
  let binary = "";
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary);
}
