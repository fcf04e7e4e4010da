import type { Generated } from "kysely";

/**
 * Table types for Kysely. Times are integer milliseconds since the epoch; booleans are 0/1 integers so
 * the same code serves SQLite and PostgreSQL. JSON columns hold text.
 */
export interface Database {
  users: UsersTable;
  identities: IdentitiesTable;
  userpass_accounts: UserpassAccountsTable;
  one_time_tokens: OneTimeTokensTable;
  sessions: SessionsTable;
  devices: DevicesTable;
  rate_limits: RateLimitsTable;
  audit_events: AuditEventsTable;
  signing_keys: SigningKeysTable;
  api_keys: ApiKeysTable;
  admin_keys: AdminKeysTable;
  admin_sessions: AdminSessionsTable;
  runtime_settings: RuntimeSettingsTable;
  imported_devices: ImportedDevicesTable;
  oauth_states: OAuthStatesTable;
  app_user_counts: AppUserCountsTable;
  app_user_count_deltas: AppUserCountDeltasTable;
}

/**
 * How many users each app has, kept by triggers on `users` (migration 1100): the sum of an app's rows,
 * plus its rows in `app_user_count_deltas` not folded in yet (migration 1400).
 */
export interface AppUserCountsTable {
  app_id: string;
  slot: number;
  n: number;
}

/** Changes to the counts not yet folded into `app_user_counts` (migration 1400; PostgreSQL only writes them). */
export interface AppUserCountDeltasTable {
  app_id: string;
  n: number;
}

/** An OAuth redirect login in flight (its signed state names the row). */
export interface OAuthStatesTable {
  id: string;
  app_id: string;
  expires_at: number;
}

export interface UsersTable {
  id: string;
  app_id: string;
  type: string;
  disabled: number;
  /** JSON object: profile metadata (`email`, `name`, ...). */
  data: string;
  created_at: number;
  last_login_at: number | null;
  /** Sessions created before this instant are void (disable, admin logout). */
  sessions_valid_since: number;
  /** Last refresh, recorded at most once a day; null until the first. Activity is the latest of this, last login, creation. */
  last_active_at?: number | null;
}

export interface IdentitiesTable {
  app_id: string;
  provider_type: string;
  /** The provider-specific id (`identities[].id` in the profile). */
  external_id: string;
  user_id: string;
  provider_name: string;
  /** JSON object. */
  provider_data: string;
  created_at: number;
}

export interface UserpassAccountsTable {
  /** 24-hex; also the local-userpass identity's external id. */
  id: string;
  app_id: string;
  /** The address as registered. */
  email: string;
  /** The address as compared: equal to `email`, or lower-cased when the app matches case-insensitively. */
  email_key: string;
  password_hash: string;
  confirmed: number;
  created_at: number;
  updated_at: number;
}

export interface OneTimeTokensTable {
  /** The `tokenId` of a confirmation or reset link. */
  id: string;
  app_id: string;
  account_id: string;
  purpose: string;
  /** SHA-256 of the `token`. */
  token_hash: string;
  expires_at: number;
  used_at: number | null;
}

export interface SessionsTable {
  id: string;
  app_id: string;
  user_id: string;
  provider_type: string;
  external_id: string;
  device_id: string;
  created_at: number;
  expires_at: number;
  revoked_at: number | null;
}

export interface DevicesTable {
  id: string;
  app_id: string;
  user_id: string;
  /** JSON object: `options.device` as the SDK sent it. */
  info: string;
  created_at: number;
  last_seen_at: number;
}

export interface RateLimitsTable {
  key: string;
  window_start: number;
  count: number;
}

export interface AuditEventsTable {
  id: Generated<number>;
  app_id: string;
  at: number;
  type: string;
  user_id: string | null;
  provider: string | null;
  ip: string | null;
  result: string;
  detail: string | null;
  /** Who acted: `admin:<operator key name>` for admin actions; null for the user's own. */
  actor: string | null;
}

export interface SigningKeysTable {
  app_id: string;
  kid: string;
  secret: string;
  created_at: number;
}

export interface ApiKeysTable {
  /** 24-hex; also the api-key identity's external id. */
  id: string;
  app_id: string;
  user_id: string;
  name: string;
  /** SHA-256 of the key: keys are 64 random characters, so a fast hash is enough and allows lookup. */
  key_hash: string;
  disabled: number;
  created_at: number;
}

export interface AdminKeysTable {
  id: string;
  /** The public part of an operator key (what the Admin API login calls `username`). */
  username: string;
  /** The operator's label for the key; the actor named in the audit log. */
  name: string;
  /** SHA-256 of the private part (a random UUID: high entropy, so a fast hash suffices). */
  key_hash: string;
  created_at: number;
  last_used_at: number | null;
}

export interface AdminSessionsTable {
  id: string;
  key_id: string;
  created_at: number;
  expires_at: number;
  revoked_at: number | null;
}

/** Settings changed at run time through the admin API, shared by every instance over the database. */
export interface RuntimeSettingsTable {
  /** `server`, or a client app id. */
  scope: string;
  key: string;
  /** JSON. */
  value: string;
  updated_at: number;
}

/**
 * Devices of imported anonymous users (`devices` of an import record): the first anonymous login that
 * presents one of these device ids lands on that user, once; the row is deleted by that login.
 */
export interface ImportedDevicesTable {
  app_id: string;
  device_id: string;
  user_id: string;
  created_at: number;
}
