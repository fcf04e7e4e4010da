import type { AppRuntime } from "../apps/app-runtime.js";
import type { UserRecord } from "../store/records.js";

/** The Admin API User object (PROTOCOL.md §11.2): dates in integer seconds. */
export interface AdminUserView {
  _id: string;
  domain_id: string;
  identities: { id: string; provider_type: string; provider_id: string; provider_data: Record<string, unknown> }[];
  data: Record<string, unknown>;
  type: string;
  creation_date: number;
  /** 0 for a user that never logged in (created by an operator). */
  last_authentication_date: number;
  sessions_valid_since: number;
  disabled: boolean;
}

const seconds = (ms: number) => Math.floor(ms / 1000);

export function toAdminUser(app: AppRuntime, user: UserRecord): AdminUserView {
  return {
    _id: user.id,
    domain_id: app.config.domainId,
    identities: user.identities.map((i) => ({
      id: i.externalId,
      provider_type: i.providerType,
      provider_id: app.providerId(i.providerName),
      provider_data: i.providerData,
    })),
    data: user.data,
    type: user.type,
    creation_date: seconds(user.createdAt),
    last_authentication_date: user.lastLoginAt === null ? 0 : seconds(user.lastLoginAt),
    sessions_valid_since: seconds(user.sessionsValidSince),
    disabled: user.disabled,
  };
}

/**
 * `GET …/users/{id}` (one user, not the lists): the §11.2 object plus Gatehouse extensions the console's
 * user page shows. API keys are named, never their secrets or hashes.
 */
export interface AdminUserDetailView extends AdminUserView {
  /** Sessions neither revoked nor expired. */
  active_sessions: number;
  /** The custom user data document as the `user_data` claim carries it, or null when there is none. */
  custom_data: Record<string, unknown> | null;
  api_keys: { _id: string; name: string; disabled: boolean }[];
}
