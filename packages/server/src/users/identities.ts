import type { AppRuntime } from "../apps/app-runtime.js";
import { Errors } from "../errors.js";
import { newObjectId } from "../ids.js";
import type { IdentityRecord, UserRecord } from "../store/records.js";
import { isUniqueViolation, type Store } from "../store/store.js";

/** An identity a provider vouches for: who logged in, in that provider's terms. */
export interface VerifiedIdentity {
  /** The provider-specific id (`identities[].id`). With the provider type it is the identity's key. */
  externalId: string;
  /** Stored with the identity and shown as `provider_data`. */
  providerData: Record<string, unknown>;
  /**
   * Profile metadata (`data` of the profile) from this identity. Refreshed at each login with it; a link
   * adds only keys the user does not have yet.
   */
  profileData: Record<string, unknown>;
  /** True when every login creates a new identity (anonymous). */
  alwaysNew?: boolean;
  /** The user the identity belongs to when it is not stored yet (an API key's owner). */
  ownerUserId?: string;
  /** More writes of the provider's that belong in the login's (or link's) transaction. */
  inLoginTransaction?: (tx: Store) => Promise<void>;
}

/** Which provider an identity comes from. */
export interface IdentitySource {
  providerType: string;
  providerName: string;
}

/**
 * The user an identity logs in, created on its first login (PROTOCOL.md §3): identities are keyed by
 * (provider type, external id) and never matched by email. Runs inside the caller's transaction.
 */
export async function findOrCreateUser(
  tx: Store,
  app: AppRuntime,
  source: IdentitySource,
  identity: VerifiedIdentity,
  now: number,
): Promise<{ user: UserRecord; created: boolean }> {
  let existingId = identity.alwaysNew ? undefined : await tx.users.findIdByIdentity(app.id, source.providerType, identity.externalId);
  if (existingId === undefined && identity.ownerUserId !== undefined) {
    // An API key's first login adds an api-key identity to its owner (PROTOCOL.md §9).
    existingId = identity.ownerUserId;
    await tx.users.addIdentity(app.id, identityRecord(existingId, source, identity, now));
  }
  if (existingId === undefined) {
    const userId = newObjectId();
    const first = identityRecord(userId, source, identity, now);
    const user: UserRecord = {
      id: userId,
      appId: app.id,
      type: "normal",
      disabled: false,
      data: identity.profileData,
      createdAt: now,
      lastLoginAt: now,
      sessionsValidSince: now,
      identities: [first],
    };
    await tx.users.create(user, first);
    return { user, created: true };
  }
  const user = (await tx.users.get(app.id, existingId))!;
  if (user.disabled) throw Errors.userDisabled();
  // Metadata comes from the provider at each login (App Services refreshed it the same way). The user was
  // just read in this transaction, so the merge is done here and written with the login time in one
  // statement, the data only when the provider changed it (the usual login changes nothing).
  const merged = { ...user.data, ...identity.profileData };
  const changed = Object.entries(identity.profileData).some(([key, value]) => JSON.stringify(user.data[key]) !== JSON.stringify(value));
  await tx.users.recordLogin(existingId, now, changed ? merged : undefined);
  user.data = merged;
  return { user, created: false };
}

/**
 * Adds an identity to an existing user (`?link=true`, PROTOCOL.md §3.4). Re-linking the user's own
 * identity is a no-op; one another user owns is refused; the user keeps its id, data and API keys.
 * @returns whether the identity was new to the user.
 */
export async function linkIdentity(
  tx: Store,
  app: AppRuntime,
  userId: string,
  source: IdentitySource,
  identity: VerifiedIdentity,
  now: number,
): Promise<boolean> {
  if (source.providerType === "anon-user") throw Errors.linkAnonymousNotAllowed();
  // An API key belongs to the user who created it: nobody else may link it, even knowing the secret.
  if (identity.ownerUserId !== undefined && identity.ownerUserId !== userId) throw Errors.identityInUse();
  const owner = await tx.users.findIdByIdentity(app.id, source.providerType, identity.externalId);
  if (owner === userId) return false;
  if (owner !== undefined) throw Errors.identityInUse();
  const user = await tx.users.get(app.id, userId);
  if (!user) throw Errors.sessionNotFound();
  if (source.providerType === "local-userpass" && user.identities.some((i) => i.providerType === "local-userpass")) {
    throw Errors.linkSecondUserpassNotAllowed();
  }
  try {
    await tx.users.addIdentity(app.id, identityRecord(userId, source, identity, now));
  } catch (error) {
    if (isUniqueViolation(error)) throw Errors.identityInUse();
    throw error;
  }
  await tx.users.mergeData(userId, identity.profileData);
  return true;
}

function identityRecord(userId: string, source: IdentitySource, identity: VerifiedIdentity, now: number): IdentityRecord {
  return {
    userId,
    providerType: source.providerType,
    providerName: source.providerName,
    externalId: identity.externalId,
    providerData: identity.providerData,
    createdAt: now,
  };
}
