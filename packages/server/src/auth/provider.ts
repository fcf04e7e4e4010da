import type { AppRuntime } from "../apps/app-runtime.js";
import type { ProviderConfig } from "../config/types.js";

/** An identity a provider vouches for: who logged in, in that provider's terms. */
export interface VerifiedIdentity {
  /** The provider-specific id (`identities[].id`). */
  externalId: string;
  /** Stored with the identity and shown as `provider_data`. */
  providerData: Record<string, unknown>;
  /** Profile metadata (`data` of the profile) contributed by this identity. */
  profileData: Record<string, unknown>;
  /** True when every login creates a new identity (anonymous). */
  alwaysNew?: boolean;
  /** The user the identity belongs to when it is not stored yet (an API key's owner). */
  ownerUserId?: string;
}

/** What a provider gets to decide a login. */
export interface LoginAttempt {
  app: AppRuntime;
  provider: ProviderConfig;
  /** The EJSON-decoded request body (credential fields plus `options`). */
  body: Record<string, unknown>;
  ip: string;
}

/** One authentication provider type (`anon-user`, `local-userpass`, ...). */
export interface Provider {
  readonly type: string;
  /** Checks the credential; throws a GatehouseError (401 family) when it is not good. */
  verify(attempt: LoginAttempt): Promise<VerifiedIdentity>;
}
