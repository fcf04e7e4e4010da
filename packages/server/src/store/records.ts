/** Domain records the store returns. Times are milliseconds since the epoch. */

/** A user with its identities, in link order. */
export interface UserRecord {
  id: string;
  appId: string;
  /** `normal`, or `server` for users of server API keys. */
  type: string;
  disabled: boolean;
  data: Record<string, unknown>;
  createdAt: number;
  lastLoginAt: number | null;
  sessionsValidSince: number;
  identities: IdentityRecord[];
}

/** One way a user logs in. Unique on (app, provider type, external id). */
export interface IdentityRecord {
  userId: string;
  providerType: string;
  providerName: string;
  externalId: string;
  providerData: Record<string, unknown>;
  createdAt: number;
}

/** A login session: what a refresh token names. */
export interface SessionRecord {
  id: string;
  appId: string;
  userId: string;
  providerType: string;
  externalId: string;
  deviceId: string;
  createdAt: number;
  expiresAt: number;
  revokedAt: number | null;
}

/** A session together with the facts about its user that decide whether it is still good. */
export interface SessionState extends SessionRecord {
  userDisabled: boolean;
  userSessionsValidSince: number;
  /** The user's last recorded refresh (see `users.last_active_at`), or null. */
  userLastActiveAt: number | null;
}

/** An email/password account. `confirmed` false means registration is pending. */
export interface AccountRecord {
  id: string;
  appId: string;
  email: string;
  emailKey: string;
  passwordHash: string;
  confirmed: boolean;
  createdAt: number;
}

/** A confirmation or reset token (stored hashed). */
export interface OneTimeTokenRecord {
  id: string;
  appId: string;
  accountId: string;
  purpose: "confirm" | "reset";
  tokenHash: string;
  expiresAt: number;
  usedAt: number | null;
}

/** One entry of the audit log. */
export interface AuditEvent {
  appId: string;
  at: number;
  /** `register`, `confirm`, `login`, `refresh`, `logout`, `delete`, `reset`, ... */
  type: string;
  userId?: string | null;
  provider?: string | null;
  ip?: string | null;
  /** `ok`, or the error code of a failure. */
  result: string;
  detail?: string | null;
  /** Who acted when it was not the user: `admin:<operator key name>`. */
  actor?: string | null;
}
