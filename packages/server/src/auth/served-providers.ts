import type { AppFunctions } from "../apps/app-functions.js";
import type { Clock } from "../clock.js";
import type { RateLimiter } from "../ratelimit/rate-limiter.js";
import type { ResolvedServerConfig } from "../server-config.js";
import type { Store } from "../store/store.js";
import type { KeySetCache } from "./jwt/key-set-cache.js";
import type { PasswordHasher } from "./password.js";
import type { Provider } from "./provider.js";
import { AnonymousProvider } from "./providers/anonymous.js";
import { ApiKeyProvider } from "./providers/api-key.js";
import { AppleProvider } from "./providers/apple.js";
import { CustomFunctionProvider } from "./providers/custom-function.js";
import { CustomTokenProvider } from "./providers/custom-token.js";
import { FacebookProvider } from "./providers/facebook.js";
import { GoogleProvider } from "./providers/google.js";
import { UserpassLoginProvider } from "./userpass/login-provider.js";

/** What the providers are built from. */
export interface ProviderDeps {
  store: Store;
  clock: Clock;
  hasher: PasswordHasher;
  limiter: RateLimiter;
  functions: AppFunctions;
  keySets: KeySetCache;
  /** Claims of imported anonymous users' devices (migration/). */
  deviceClaims: ConstructorParameters<typeof AnonymousProvider>[1];
  config: ResolvedServerConfig;
}

/**
 * Every provider type this build serves, and how to build it. The one list: the login service is
 * given exactly these, and the start-up report (`SUPPORTED`) names exactly these.
 */
export const SERVED_PROVIDERS: Readonly<Record<string, (deps: ProviderDeps) => Provider>> = {
  "anon-user": (d) => new AnonymousProvider(d.limiter, d.deviceClaims),
  "local-userpass": (d) => new UserpassLoginProvider(d.store, d.hasher, d.limiter, d.clock),
  "custom-function": (d) => new CustomFunctionProvider(d.functions, d.limiter),
  "api-key": (d) => new ApiKeyProvider(d.store, d.limiter),
  "custom-token": (d) => new CustomTokenProvider(d.clock, d.keySets, d.limiter),
  "oauth2-google": (d) =>
    new GoogleProvider(d.config.identityProviders.google, d.keySets, d.clock, d.limiter, d.config.identityProviderTimeoutMs),
  "oauth2-apple": (d) =>
    new AppleProvider(d.config.identityProviders.apple, d.keySets, d.clock, d.limiter, d.config.identityProviderTimeoutMs),
  "oauth2-facebook": (d) => new FacebookProvider(d.config.identityProviders.facebook, d.limiter, d.config.identityProviderTimeoutMs),
};
