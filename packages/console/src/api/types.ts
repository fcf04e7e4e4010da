/** The Admin API v3 shapes the console reads (PROTOCOL.md §11; dates are integer seconds). */

/** One entry of `GET /groups/{g}/apps`. */
export interface AdminApp {
  _id: string;
  client_app_id: string;
  name: string;
  group_id: string;
  location?: string;
  deployment_model?: string;
  /** Gatehouse extension: how many users the app has. */
  user_count?: number;
}

/** One entry of `GET …/auth_providers` (a `providers.json` entry). */
export interface AuthProviderEntry {
  _id: string;
  name: string;
  type: string;
  disabled: boolean;
  /** Gatehouse extension: false when this server build does not serve the provider type. */
  supported?: boolean;
}

/** One way a user logs in. */
export interface Identity {
  id: string;
  provider_type: string;
  provider_id?: string;
  provider_data?: Record<string, unknown>;
}

/** The §11.2 User object, plus the Gatehouse extensions the user page shows when present. */
export interface AdminUser {
  _id: string;
  domain_id?: string;
  identities: Identity[];
  data: Record<string, unknown> & { email?: string };
  type: string;
  creation_date: number;
  last_authentication_date?: number | null;
  sessions_valid_since?: number;
  disabled: boolean;
  /** Gatehouse extension: the user's custom user data document. */
  custom_data?: Record<string, unknown> | null;
  /** Gatehouse extension: sessions not revoked and not expired. */
  active_sessions?: number;
  /** Gatehouse extension: the user's API keys (never the secrets). */
  api_keys?: { _id: string; name: string; disabled: boolean }[];
}

/** One entry of `GET …/users/{id}/devices` (Gatehouse's shape: App Services left it unspecified). */
export interface Device {
  _id: string;
  /** What the SDK sent at login (`platform`, `platformVersion`, `sdkVersion`, `appId`, `appVersion`). */
  info?: Record<string, unknown>;
  creation_date?: number;
  last_seen_date?: number;
}

/** One entry of `GET …/user_registrations/pending_users`. */
export interface PendingUser {
  _id: string;
  domain_id?: string;
  user_id?: string;
  login_ids: { id_type: string; id: string }[];
  /** Gatehouse extension: when the registration was made (seconds). */
  creation_date?: number;
}

/** One audit event of `GET …/logs` (Gatehouse's shape). */
export interface AuditEntry {
  _id: string;
  /** Seconds since the epoch. */
  time: number;
  type: string;
  /** `ok`, or the error code of a failure. */
  result: string;
  user_id?: string | null;
  provider?: string | null;
  ip?: string | null;
  /** Who did it: the operator key's name for admin actions. */
  actor?: string | null;
  detail?: string | null;
}

/** What the users view can search by (issue 10's search parameters). */
export interface UserQuery {
  email?: string;
  id?: string;
  provider?: string;
  disabled?: boolean;
  created_after?: number;
  created_before?: number;
}

/** What the events view can filter by. */
export interface LogQuery {
  type?: string;
  result?: string;
  user_id?: string;
  start_date?: number;
  end_date?: number;
}

/** Counts of one bucket of `GET …/logs/stats`. */
export interface LogStatsBucket {
  /** Seconds: where the bucket starts. */
  start: number;
  events: number;
  signups: number;
  logins: number;
  failed_logins: number;
}

/** `GET …/logs/stats` (Gatehouse extension): the audit log counted per hour or day. */
export interface LogStats {
  bucket: "hour" | "day";
  start_date: number;
  end_date: number;
  utc_offset: number;
  buckets: LogStatsBucket[];
  totals: Omit<LogStatsBucket, "start">;
  logins_by_provider: { provider: string; logins: number }[];
}
