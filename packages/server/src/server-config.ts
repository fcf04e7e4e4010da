/**
 * The server config (`--config FILE`, JSON): its shape, its defaults and ranges, and reading it. The
 * parts live under `server-config/` (one module each); this module is the one import callers use.
 */
import { readFile } from "node:fs/promises";
import type { ServerConfig } from "./server-config/config-file.js";

export type { AppServerSettings, SigningKey, SmtpSettings } from "./server-config/app-settings.js";
export type { ServerConfig } from "./server-config/config-file.js";
export {
  DEFAULT_IDENTITY_PROVIDERS,
  type IdentityProviderEndpoints,
  type IdentityProviderOverrides,
} from "./server-config/identity-providers.js";
export { DEFAULT_HOUSEKEEPING_PAUSE_RATIO, resolveServerConfig } from "./server-config/resolve.js";
export type { ResolvedServerConfig } from "./server-config/resolved.js";

/** Reads a JSON server config file. */
export async function readServerConfigFile(path: string): Promise<ServerConfig> {
  const text = await readFile(path, "utf8");
  try {
    return JSON.parse(text) as ServerConfig;
  } catch (error) {
    throw new Error(`server config ${path}: invalid JSON: ${(error as Error).message}`);
  }
}
