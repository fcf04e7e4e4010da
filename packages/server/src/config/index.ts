/**
 * Public API of the app-config loader.
 */
export { loadAppDirectory, DEFAULT_DEPLOYMENT_MODEL, DEFAULT_LOCATION, type LoadAppOptions } from "./loader.js";
export { describeSupport, reportWarnings, type SupportedSet } from "./support.js";
export { featureKey } from "./features.js";
export { ConfigError, type ConfigErrorCode } from "./errors.js";
export { deriveClientAppId, deriveDomainId, slugify } from "./identity.js";
export type {
  AppConfig,
  CustomUserDataConfig,
  DataSourceConfig,
  FunctionConfig,
  ProviderConfig,
  TriggerConfig,
  ValueConfig,
} from "./types.js";
