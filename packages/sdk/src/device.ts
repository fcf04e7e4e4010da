/**
 * The `options.device` object sent with every login (PROTOCOL §3.2). The server stores it as free-form
 * metadata; `deviceId` is how it recognises this device across logins.
 */
import { ObjectId } from "bson";
import { SDK_VERSION } from "./version.js";

/** An all-zero device id means "no device id". */
export const NO_DEVICE_ID = "000000000000000000000000";

/** The local app's name and version, reported at login (not the App Services app id). */
export interface LocalAppConfiguration {
  /** Name or bundle id of your app. */
  name?: string;
  /** Version of your app. */
  version?: string;
}

/** @returns true for a real device id (a 24-hex string other than all zeros). */
export function isDeviceId(value: unknown): value is string {
  return typeof value === "string" && /^[0-9a-f]{24}$/i.test(value) && value !== NO_DEVICE_ID;
}

/**
 * Builds the device information for a login body.
 *
 * @param localApp - The local app's name and version.
 * @param deviceId - The stored device id, if any; sent as an ObjectId (EJSON `$oid`), as realm-web does.
 */
export function deviceInformation(localApp: LocalAppConfiguration | undefined, deviceId: string | null): Record<string, unknown> {
  const { platform, platformVersion } = detectPlatform();
  const info: Record<string, unknown> = { sdk: "gatehouse-js", sdkVersion: SDK_VERSION, platform, platformVersion };
  if (localApp?.name !== undefined) info["appId"] = localApp.name;
  if (localApp?.version !== undefined) info["appVersion"] = localApp.version;
  if (isDeviceId(deviceId)) info["deviceId"] = new ObjectId(deviceId);
  return info;
}

/** Names the runtime without importing anything platform-specific (the core also runs in browsers). */
function detectPlatform(): { platform: string; platformVersion: string } {
  const g = globalThis as {
    process?: { versions?: { node?: string } };
    navigator?: { userAgent?: string };
  };
  const node = g.process?.versions?.node;
  if (typeof node === "string") return { platform: "node", platformVersion: node };
  const ua = g.navigator?.userAgent ?? "";
  // Order matters: Edge and Opera also say "Chrome", Chrome also says "Safari".
  for (const [platform, pattern] of [
    ["edge", /Edg\/([\d.]+)/],
    ["opera", /OPR\/([\d.]+)/],
    ["firefox", /Firefox\/([\d.]+)/],
    ["chrome", /(?:Chrome|Chromium)\/([\d.]+)/],
    ["safari", /Version\/([\d.]+).*Safari/],
  ] as const) {
    const match = pattern.exec(ua);
    if (match?.[1]) return { platform, platformVersion: match[1] };
  }
  return { platform: "web", platformVersion: "0.0.0" };
}
