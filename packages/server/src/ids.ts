import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { ObjectId } from "bson";

/** A new 24-hex ObjectId string, the id format of users, sessions, devices and identities. */
export function newObjectId(): string {
  return new ObjectId().toHexString();
}

/**
 * What a user id may be: Gatehouse's own are 24-hex ObjectIds, but imported users keep the id they had
 * (docs/migration.md), such as a Firebase uid, so every route that names a user accepts this wider form.
 */
export const USER_ID_PATTERN = "^[A-Za-z0-9_-]{1,64}$";
const USER_ID = new RegExp(USER_ID_PATTERN);

/** Whether `id` has the form of a user id ({@link USER_ID_PATTERN}). */
export function isUserId(id: string): boolean {
  return USER_ID.test(id);
}

/** The all-zeros device id that both SDKs read as "no device". */
export const NO_DEVICE_ID = "000000000000000000000000";

/** A random secret for a one-time token or an API key, url-safe. */
export function newSecret(bytes = 32): string {
  return randomBytes(bytes).toString("base64url");
}

/** SHA-256 of a high-entropy secret (tokens, keys). Passwords use argon2id instead. */
export function hashSecret(secret: string): string {
  return createHash("sha256").update(secret).digest("hex");
}

/** Constant-time comparison of two hex digests. */
export function digestsEqual(a: string, b: string): boolean {
  const x = Buffer.from(a, "hex");
  const y = Buffer.from(b, "hex");
  return x.length === y.length && timingSafeEqual(x, y);
}

/** A stable 24-hex id derived from names (provider ids). */
export function derivedId(...parts: string[]): string {
  return createHash("sha256").update(parts.join("\u0000")).digest("hex").slice(0, 24);
}
