import type { AppRuntime } from "../apps/app-runtime.js";
import type { ProviderConfig } from "../config/types.js";
import type { VerifiedIdentity } from "../users/identities.js";

export type { VerifiedIdentity };

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
