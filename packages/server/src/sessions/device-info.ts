import { ObjectId } from "bson";

/**
 * The `options.device` fields App Services' SDKs send (PROTOCOL.md §3.2): realm-web's and core's.
 * Nothing else is stored, so an unauthenticated login cannot make the server keep more than
 * `DEVICE_FIELDS.length × MAX_DEVICE_VALUE` characters per device.
 */
export const DEVICE_FIELDS = [
  "appId",
  "appVersion",
  "platform",
  "platformVersion",
  "sdk",
  "sdkVersion",
  "cpuArch",
  "deviceName",
  "deviceVersion",
  "frameworkName",
  "frameworkVersion",
  "coreVersion",
  "bundleId",
] as const;

/** Longest value kept per field; longer ones are cut. */
export const MAX_DEVICE_VALUE = 128;

/** Device information of a login, as stored, and the device id the client asked to keep. */
export interface DeviceInfo {
  info: Partial<Record<(typeof DEVICE_FIELDS)[number], string>>;
  deviceId?: string;
}

/**
 * `options.device` of a login body, reduced to the documented fields (strings, numbers and booleans,
 * as text, at most {@link MAX_DEVICE_VALUE} characters), or undefined when the client sent none.
 * `deviceId` is an ObjectId as EJSON (`{"$oid": …}`), a decoded ObjectId, or 24 hex digits.
 */
export function deviceInfo(body: Record<string, unknown>): DeviceInfo | undefined {
  const options = body.options;
  if (!options || typeof options !== "object") return undefined;
  const device = (options as Record<string, unknown>).device;
  if (!device || typeof device !== "object" || Array.isArray(device)) return undefined;
  const given = device as Record<string, unknown>;
  const info: DeviceInfo["info"] = {};
  for (const field of DEVICE_FIELDS) {
    const value = Object.hasOwn(given, field) ? given[field] : undefined;
    if (typeof value === "string" || typeof value === "number" || typeof value === "boolean") {
      info[field] = String(value).slice(0, MAX_DEVICE_VALUE);
    }
  }
  const deviceId = deviceIdOf(Object.hasOwn(given, "deviceId") ? given.deviceId : undefined);
  return { info, ...(deviceId ? { deviceId } : {}) };
}

function deviceIdOf(value: unknown): string | undefined {
  if (value instanceof ObjectId) return value.toHexString();
  const hex = value && typeof value === "object" && !Array.isArray(value) ? (value as { $oid?: unknown }).$oid : value;
  return typeof hex === "string" && /^[0-9a-f]{24}$/i.test(hex) ? hex.toLowerCase() : undefined;
}
