/**
 * Where Gatehouse reaches Google, Apple and Facebook, and the config's overrides of it.
 * Part of the server config that `../server-config.ts` gathers.
 */

/**
 * Where Gatehouse reaches the social identity providers. Defaults are the providers' real endpoints;
 * tests and air-gapped operators point them elsewhere.
 */
export interface IdentityProviderEndpoints {
  google: { jwksUri: string; tokenUri: string; authorizeUri: string; userinfoUri: string };
  apple: { jwksUri: string; tokenUri: string; authorizeUri: string };
  /** `graphApiBase` is the whole Graph base, version included if any: `/debug_token` and `/me` are appended. */
  facebook: { graphApiBase: string; authorizeUri: string };
}

/** The config's `identityProviders`: any endpoint of any of the three, each defaulting to the real one. */
export interface IdentityProviderOverrides {
  google?: Partial<IdentityProviderEndpoints["google"]>;
  apple?: Partial<IdentityProviderEndpoints["apple"]>;
  facebook?: Partial<IdentityProviderEndpoints["facebook"]>;
}

/** The real providers' endpoints. */
export const DEFAULT_IDENTITY_PROVIDERS: IdentityProviderEndpoints = {
  google: {
    jwksUri: "https://www.googleapis.com/oauth2/v3/certs",
    tokenUri: "https://oauth2.googleapis.com/token",
    authorizeUri: "https://accounts.google.com/o/oauth2/v2/auth",
    userinfoUri: "https://openidconnect.googleapis.com/v1/userinfo",
  },
  apple: {
    jwksUri: "https://appleid.apple.com/auth/keys",
    tokenUri: "https://appleid.apple.com/auth/token",
    authorizeUri: "https://appleid.apple.com/auth/authorize",
  },
  facebook: { graphApiBase: "https://graph.facebook.com", authorizeUri: "https://www.facebook.com/dialog/oauth" },
};

/** The endpoints with the config's overrides, each checked to be an http(s) URL; throws naming the key. */
export function resolveEndpoints(given: IdentityProviderOverrides = {}): IdentityProviderEndpoints {
  const out = structuredClone(DEFAULT_IDENTITY_PROVIDERS) as unknown as Record<string, Record<string, string>>;
  for (const [provider, keys] of Object.entries(given ?? {})) {
    const defaults = Object.hasOwn(out, provider) ? out[provider] : undefined;
    if (!defaults) throw new Error(`server config: identityProviders.${provider} is not one of google, apple, facebook`);
    for (const [key, value] of Object.entries(keys ?? {})) {
      if (!Object.hasOwn(defaults, key)) {
        throw new Error(`server config: identityProviders.${provider}.${key} is not one of ${Object.keys(defaults).join(", ")}`);
      }
      if (typeof value !== "string" || !/^https?:\/\//.test(value)) {
        throw new Error(`server config: identityProviders.${provider}.${key} must be an http(s) URL`);
      }
      defaults[key] = value.replace(/\/+$/, "");
    }
  }
  return out as unknown as IdentityProviderEndpoints;
}
