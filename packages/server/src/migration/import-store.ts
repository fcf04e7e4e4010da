import type { Kysely } from "kysely";
import type { Database } from "../store/schema.js";
import type { ImportUser } from "./records.js";

/** The key of an identity within an app: unique, like the store's primary key. */
export const identityKey = (providerType: string, externalId: string) => `${providerType}\u0000${externalId}`;

/** What the store already holds of a batch's ids, identities and emails. */
export interface ExistingRows {
  /** User id → the app it belongs to (ids are unique across apps). */
  userApps: Map<string, string>;
  /** Identity key → owning user id, in this app. */
  identityOwners: Map<string, string>;
  /** Email key → account id, in this app. */
  emailOwners: Map<string, string>;
  /** Account ids taken (in any app). */
  accountIds: Set<string>;
  /** API key ids and hashes taken. */
  apiKeys: Set<string>;
  /** Device ids claimed already by imported anonymous users (never a reason to skip a user). */
  devices: Set<string>;
}

/** Rows per multi-row INSERT: well under SQLite's 32766 and PostgreSQL's 65535 bound parameters. */
const ROWS_PER_INSERT = 400;

function chunks<T>(items: T[], size = ROWS_PER_INSERT): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** Reads, with one indexed query per table, what the store has of these users. */
export async function findExisting(
  db: Kysely<Database>,
  appId: string,
  users: ImportUser[],
  emailKey: (email: string) => string,
): Promise<ExistingRows> {
  const existing: ExistingRows = {
    userApps: new Map(),
    identityOwners: new Map(),
    emailOwners: new Map(),
    accountIds: new Set(),
    apiKeys: new Set(),
    devices: new Set(),
  };
  const ids = users.map((u) => u.id);
  // By provider type, so each lookup is a primary-key range (app_id, provider_type, external_id).
  const externalIds = new Map<string, Set<string>>();
  for (const identity of users.flatMap((u) => u.identities)) {
    const set = externalIds.get(identity.providerType) ?? new Set<string>();
    set.add(identity.externalId);
    externalIds.set(identity.providerType, set);
  }
  const accounts = users.flatMap((u) => (u.account ? [u.account] : []));
  const keys = users.flatMap((u) => u.apiKeys);
  for (const part of chunks(ids, 1000)) {
    for (const row of await db.selectFrom("users").select(["id", "app_id"]).where("id", "in", part).execute()) {
      existing.userApps.set(row.id, row.app_id);
    }
  }
  for (const [providerType, set] of externalIds) {
    for (const part of chunks([...set], 1000)) {
      const rows = await db
        .selectFrom("identities")
        .select(["external_id", "user_id"])
        .where("app_id", "=", appId)
        .where("provider_type", "=", providerType)
        .where("external_id", "in", part)
        .execute();
      for (const row of rows) existing.identityOwners.set(identityKey(providerType, row.external_id), row.user_id);
    }
  }
  for (const part of chunks(accounts, 1000)) {
    const byEmail = await db
      .selectFrom("userpass_accounts")
      .select(["id", "email_key"])
      .where("app_id", "=", appId)
      .where(
        "email_key",
        "in",
        part.map((a) => emailKey(a.email)),
      )
      .execute();
    for (const row of byEmail) existing.emailOwners.set(row.email_key, row.id);
    const byId = await db
      .selectFrom("userpass_accounts")
      .select("id")
      .where(
        "id",
        "in",
        part.map((a) => a.id),
      )
      .execute();
    for (const row of byId) existing.accountIds.add(row.id);
  }
  if (keys.length > 0) {
    const rows = await db
      .selectFrom("api_keys")
      .select(["id", "key_hash"])
      .where((eb) =>
        eb.or([
          eb(
            "id",
            "in",
            keys.map((k) => k.id),
          ),
          eb(
            "key_hash",
            "in",
            keys.map((k) => k.keyHash),
          ),
        ]),
      )
      .execute();
    for (const row of rows) {
      existing.apiKeys.add(row.id);
      existing.apiKeys.add(row.key_hash);
    }
  }
  const deviceIds = users.flatMap((u) => u.devices);
  for (const part of chunks(deviceIds, 1000)) {
    const rows = await db
      .selectFrom("imported_devices")
      .select("device_id")
      .where("app_id", "=", appId)
      .where("device_id", "in", part)
      .execute();
    for (const row of rows) existing.devices.add(row.device_id);
  }
  return existing;
}

/** Inserts the users with their identities, accounts, API keys and device claims (inside the caller's transaction). */
export async function insertUsers(
  db: Kysely<Database>,
  appId: string,
  users: ImportUser[],
  emailKey: (email: string) => string,
  now: number,
  knownDevices: Set<string>,
): Promise<void> {
  for (const part of chunks(users)) {
    await db
      .insertInto("users")
      .values(
        part.map((u) => ({
          id: u.id,
          app_id: appId,
          type: u.type,
          disabled: u.disabled ? 1 : 0,
          data: JSON.stringify(u.data),
          created_at: u.createdAt,
          last_login_at: u.lastLoginAt,
          // Housekeeping deletes anonymous users inactive for 90 days: the clock starts at the import.
          last_active_at: now,
          // A disabled user's tokens are void from the start; nothing was issued before the import.
          sessions_valid_since: u.createdAt,
        })),
      )
      .execute();
  }
  const identities = users.flatMap((u) =>
    u.identities.map((i, index) => ({
      app_id: appId,
      provider_type: i.providerType,
      external_id: i.externalId,
      user_id: u.id,
      // App Services names a provider after its type; identities list in link order by creation time.
      provider_name: i.providerType,
      provider_data: JSON.stringify(i.providerData),
      created_at: u.createdAt + index,
    })),
  );
  for (const part of chunks(identities)) await db.insertInto("identities").values(part).execute();
  const accounts = users.flatMap((u) =>
    u.account
      ? [
          {
            id: u.account.id,
            app_id: appId,
            email: u.account.email,
            email_key: emailKey(u.account.email),
            password_hash: u.account.passwordHash,
            confirmed: u.account.confirmed ? 1 : 0,
            created_at: u.createdAt,
            updated_at: now,
          },
        ]
      : [],
  );
  for (const part of chunks(accounts)) await db.insertInto("userpass_accounts").values(part).execute();
  const keys = users.flatMap((u) =>
    u.apiKeys.map((k) => ({
      id: k.id,
      app_id: appId,
      user_id: u.id,
      name: k.name,
      key_hash: k.keyHash,
      disabled: k.disabled ? 1 : 0,
      created_at: u.createdAt,
    })),
  );
  for (const part of chunks(keys)) await db.insertInto("api_keys").values(part).execute();
  // Only a user whose one identity is anonymous is found by its device (others log in by credential). No
  // `devices` row is written: devices belong to sessions, and the claiming login makes its own.
  const claims = [];
  const taken = new Set(knownDevices);
  for (const user of users) {
    if (user.identities.length !== 1 || user.identities[0]!.providerType !== "anon-user") continue;
    for (const id of user.devices) {
      // A device id claimed already, or by an earlier user of the batch, stays with its first owner.
      if (taken.has(id)) continue;
      taken.add(id);
      claims.push({ app_id: appId, device_id: id, user_id: user.id, created_at: now });
    }
  }
  for (const part of chunks(claims)) await db.insertInto("imported_devices").values(part).execute();
}
