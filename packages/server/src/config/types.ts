/**
 * The in-memory form of one App Services app directory, as the loader produces it.
 * Field names follow our style (camelCase); the raw App Services names are noted where they differ.
 */

/** One entry of `auth/providers.json` (or a legacy `auth_providers/<name>.json`). */
export interface ProviderConfig {
  /** Provider name; in App Services always equal to its type. */
  name: string;
  /** `anon-user`, `local-userpass`, `api-key`, `custom-token`, `custom-function`, `oauth2-google`, ... */
  type: string;
  disabled: boolean;
  /** The provider's `config` object, unchanged. */
  config: Record<string, unknown>;
  /** `secret_config`: option name to secret name(s). Values are names, never secret values. */
  secretConfig: Record<string, string | string[]>;
  /** `metadata_fields`. */
  metadataFields: { name: string; fieldName?: string; required: boolean }[];
  /** `redirect_uris`. */
  redirectUris: string[];
  /** `domain_restrictions`. */
  domainRestrictions: string[];
}

/** `auth/custom_user_data.json` (legacy: `custom_user_data_config` in the root config). */
export interface CustomUserDataConfig {
  enabled: boolean;
  mongoServiceName?: string;
  databaseName?: string;
  collectionName?: string;
  userIdField?: string;
  onUserCreationFunctionName?: string;
}

/** One function of `functions/config.json` (legacy: `functions/<name>/config.json`). */
export interface FunctionConfig {
  name: string;
  private: boolean;
  /** `can_evaluate` rule expression; `{}` or absent means "always". */
  canEvaluate?: Record<string, unknown>;
  runAsSystem: boolean;
  runAsUserId?: string;
  runAsUserIdScriptSource?: string;
  disableArgLogs: boolean;
  /** Absolute path of the source file (`functions/<name>.js` or legacy `functions/<name>/source.js`). */
  sourcePath: string;
  /** The source text, or undefined when the file is missing (reported as a warning). */
  source?: string;
}

/** One `values/<name>.json`. */
export interface ValueConfig {
  name: string;
  fromSecret: boolean;
  /** The plain value, or the secret's name when `fromSecret` is true. */
  value: unknown;
}

/** One `triggers/<name>.json`. Only AUTHENTICATION triggers are interpreted; the rest are kept raw. */
export interface TriggerConfig {
  name: string;
  /** `AUTHENTICATION`, `DATABASE`, `SCHEDULED`, ... */
  type: string;
  disabled: boolean;
  /** For AUTHENTICATION: `CREATE`, `LOGIN` or `DELETE`. */
  operationType?: string;
  /** For AUTHENTICATION: provider types the trigger listens to (empty = all). */
  providers: string[];
  /** The function to call: `event_processors.FUNCTION.config.function_name` or top-level `function_name`. */
  functionName?: string;
  /** The file as read, for the types we do not interpret. */
  raw: Record<string, unknown>;
}

/** `data_sources/<name>/config.json` (legacy: `services/<name>/config.json` of type mongodb-atlas). */
export interface DataSourceConfig {
  name: string;
  type: string;
  /** Connection string, when one is configured (`config.uri`, or the server config). */
  uri?: string;
  raw: Record<string, unknown>;
}

/** Everything Gatehouse keeps of one loaded app directory. */
export interface AppConfig {
  /** Absolute path of the directory. */
  dir: string;
  /** The client app id used in URLs (`app_id`; derived when the export has none, see docs/apps.md). */
  clientAppId: string;
  name: string;
  /** 24-hex id reported as `baas_domain_id` / `domain_id`, stable for a given client app id. */
  domainId: string;
  location: string;
  deploymentModel: string;
  environment?: string;
  /** `allowed_request_origins`; empty means any origin. */
  allowedRequestOrigins: string[];
  /** Keyed by provider name. */
  providers: Record<string, ProviderConfig>;
  customUserData: CustomUserDataConfig;
  functions: FunctionConfig[];
  values: Record<string, ValueConfig>;
  /** `environments/<env>.json` `values` for the app's environment, if any. */
  environmentValues: Record<string, unknown>;
  triggers: TriggerConfig[];
  dataSources: Record<string, DataSourceConfig>;
  /** Which layout was read: `20210101` (realm_config/root_config), `20200603` (config.json) or `20180301` (stitch.json). */
  layout: "20210101" | "20200603" | "20180301";
  /** Non-fatal findings (missing function sources, triggers without a function, ...). */
  warnings: string[];
  /** Top-level features present in the export that Gatehouse does not serve (sync, graphql, hosting, http_endpoints, ...). */
  presentFeatures: string[];
}
