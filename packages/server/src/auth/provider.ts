import type { AppRuntime } from "../apps/app-runtime.js";
import type { ProviderConfig } from "../config/types.js";
import type { VerifiedIdentity } from "../users/identities.js";

export type { VerifiedIdentity };

/** What a provider gets to decide a login. */
export interface LoginAttempt {
  app: AppRuntime;
  provider: ProviderConfig;
  /** The request body as JSON (credential fields plus `options`); providers decode EJSON where they take it. */
  body: Record<string, unknown>;
  ip: string;
  /** True for `?link=true`: the request carries the caller's access token. */
  linking: boolean;
}

/**
 * A provider with a browser redirect flow (PROTOCOL.md §3.5): the server sends the browser to the
 * provider's authorize page and completes the login when the provider sends it back with a code.
 */
export interface RedirectProvider extends Provider {
  /** The provider's authorize URL for this login; `redirectUri` is Gatehouse's callback. */
  authorizeUrl(provider: ProviderConfig, redirectUri: string, state: string): string;
  /**
   * Exchanges the code the callback received for the identity (the same `redirectUri` is sent).
   * `user` is what Apple posts beside the code on a first authorization (the name, as JSON).
   */
  completeRedirect(
    app: AppRuntime,
    provider: ProviderConfig,
    code: string,
    redirectUri: string,
    extra?: { user?: string },
  ): Promise<VerifiedIdentity>;
}

/**
 * The JSON schema of a provider's credential fields in the login body (`options` is added by the HTTP
 * layer, which validates the body against it before `verify` runs).
 */
export type CredentialSchema = Readonly<Record<string, unknown>>;

/** One authentication provider type (`anon-user`, `local-userpass`, ...). */
export interface Provider {
  readonly type: string;
  /** What a login body of this type must hold; `verify` may rely on it. */
  readonly credentialSchema: CredentialSchema;
  /** Checks the credential; throws a GatehouseError (401 family) when it is not good. */
  verify(attempt: LoginAttempt): Promise<VerifiedIdentity>;
}
