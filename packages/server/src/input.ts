import { ObjectId } from "bson";
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

/**
 * `options.device` of a login body as plain JSON (the SDK sends `deviceId` as an EJSON ObjectId), or
 * undefined when the client sent no device information.
 */
export function deviceInfo(body: Record<string, unknown>): { info: Record<string, unknown>; deviceId?: string } | undefined {
  const options = body.options;
  if (!options || typeof options !== "object") return undefined;
  const device = (options as Record<string, unknown>).device;
  if (!device || typeof device !== "object" || Array.isArray(device)) return undefined;
  const info: Record<string, unknown> = {};
  let deviceId: string | undefined;
  for (const [key, value] of Object.entries(device as Record<string, unknown>)) {
    if (key === "deviceId") {
      if (value instanceof ObjectId) deviceId = value.toHexString();
      else if (typeof value === "string" && /^[0-9a-f]{24}$/.test(value)) deviceId = value;
      continue;
    }
    if (typeof value === "string" || typeof value === "number" || typeof value === "boolean") info[key] = String(value).slice(0, 256);
  }
  return { info, ...(deviceId ? { deviceId } : {}) };
}
