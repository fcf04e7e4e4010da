import { Errors } from "./errors.js";

/** A request body as an object; anything else (array, scalar, nothing) is a 400. */
export function bodyObject(body: unknown): Record<string, unknown> {
  if (body === undefined || body === null) return {};
  if (typeof body !== "object" || Array.isArray(body)) throw Errors.bodyNotObject();
  return body as Record<string, unknown>;
}

/** A required string field: 400 `MissingParameter` when absent, `InvalidParameter` when not a string. */
export function requireString(body: Record<string, unknown>, field: string, maxLength = 4096): string {
  const value = body[field];
  if (value === undefined || value === null) throw Errors.missingParameter(`'${field}' is a required string`);
  if (typeof value !== "string") throw Errors.invalidParameter(`'${field}' must be a string`);
  if (value.length > maxLength) throw Errors.invalidParameter(`'${field}' is too long`);
  return value;
}
