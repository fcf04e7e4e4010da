import type { IdentityRecord, UserRecord } from "./records.js";
import type { IdentitiesTable, UsersTable } from "./schema.js";

/** A `users` row as a record (JSON and 0/1 columns decoded), with its identities. */
export function toUser(row: UsersTable, identities: IdentityRecord[]): UserRecord {
  return {
    id: row.id,
    appId: row.app_id,
    type: row.type,
    disabled: row.disabled === 1,
    data: JSON.parse(row.data) as Record<string, unknown>,
    createdAt: Number(row.created_at),
    lastLoginAt: row.last_login_at === null ? null : Number(row.last_login_at),
    sessionsValidSince: Number(row.sessions_valid_since),
    identities,
  };
}

/** An `identities` row as a record. */
export function toIdentity(row: Omit<IdentitiesTable, "app_id">): IdentityRecord {
  return {
    userId: row.user_id,
    providerType: row.provider_type,
    providerName: row.provider_name,
    externalId: row.external_id,
    providerData: JSON.parse(row.provider_data) as Record<string, unknown>,
    createdAt: Number(row.created_at),
  };
}
