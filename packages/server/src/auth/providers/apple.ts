import type { AppRuntime } from "../../apps/app-runtime.js";
import type { Clock } from "../../clock.js";
import type { ProviderConfig } from "../../config/types.js";
import { Errors } from "../../errors.js";
import type { RateLimiter } from "../../ratelimit/rate-limiter.js";
import type { IdentityProviderEndpoints } from "../../server-config.js";
import { verifyExternalJwt } from "../jwt/external-jwt.js";
import type { KeySetCache } from "../jwt/key-set-cache.js";
import { JwtRefused } from "../jwt/refusal.js";
import type { LoginAttempt, RedirectProvider, VerifiedIdentity } from "../provider.js";
import { clientIdOf, exchangeCode, withQuery } from "./social.js";

const LABEL = "invalid oauth2-apple id_token";

/**
 * `oauth2-apple` (Sign in with Apple): an `id_token` verified against Apple's keys (RS256, and ES256
 * should Apple publish such keys), issuer `https://appleid.apple.com`, audience the `clientId` (the
 * bundle or services id). The redirect flow exchanges the code with the client-secret JWT the app's
 * `clientSecret` secret holds.
 */
export class AppleProvider implements RedirectProvider {
  readonly type = "oauth2-apple";
  readonly credentialSchema = { type: "object", required: ["id_token"], properties: { id_token: { type: "string", maxLength: 16_384 } } };

  constructor(
    private readonly endpoints: IdentityProviderEndpoints["apple"],
    private readonly keySets: KeySetCache,
    private readonly clock: Clock,
    private readonly limiter: RateLimiter,
    private readonly timeoutMs: number,
  ) {}

  async verify({ app, provider, body, ip }: LoginAttempt): Promise<VerifiedIdentity> {
    const token = body.id_token as string;
    await this.limiter.check("login/oauth2-apple", app.id, ip);
    return this.fromIdToken(provider, token);
  }

  authorizeUrl(provider: ProviderConfig, redirectUri: string, state: string): string {
    // Apple returns the name and email only to a form_post callback, on the first authorization.
    return withQuery(this.endpoints.authorizeUri, {
      client_id: clientIdOf(provider),
      redirect_uri: redirectUri,
      response_type: "code",
      response_mode: "form_post",
      scope: "name email",
      state,
    });
  }

  async completeRedirect(
    app: AppRuntime,
    provider: ProviderConfig,
    code: string,
    redirectUri: string,
    extra: { user?: string } = {},
  ): Promise<VerifiedIdentity> {
    const tokens = await exchangeCode(app, provider, this.endpoints.tokenUri, code, redirectUri, this.timeoutMs);
    if (typeof tokens.id_token !== "string") throw Errors.identityProviderUnavailable(this.type, "the token endpoint sent no id_token");
    const identity = await this.fromIdToken(provider, tokens.id_token);
    // The name comes only once, beside the code and outside the signed token: display data, nothing more.
    const name = nameOf(extra.user);
    if (Object.keys(name).length === 0) return identity;
    return { ...identity, providerData: { ...identity.providerData, ...name }, profileData: { ...identity.profileData, ...name } };
  }

  private async fromIdToken(provider: ProviderConfig, token: string): Promise<VerifiedIdentity> {
    let claims;
    try {
      claims = await verifyExternalJwt(token, {
        algorithms: ["RS256", "ES256"],
        keys: this.keySets.get(this.endpoints.jwksUri).getKey,
        issuers: ["https://appleid.apple.com"],
        audience: { values: [clientIdOf(provider)], any: true },
        nowMs: this.clock.now(),
      });
    } catch (error) {
      if (error instanceof JwtRefused) throw error.toError(LABEL);
      throw error;
    }
    // Apple's id_token carries the email (possibly a private relay address) and no name.
    const metadata = typeof claims.email === "string" ? { email: claims.email } : {};
    return { externalId: claims.sub, providerData: metadata, profileData: metadata };
  }
}

/** `{"name":{"firstName","lastName"}}` as Apple posts it, as App Services' metadata names. */
function nameOf(user: string | undefined): Record<string, string> {
  if (!user || user.length > 4096) return {};
  try {
    const name = (JSON.parse(user) as { name?: { firstName?: unknown; lastName?: unknown } }).name ?? {};
    const first = typeof name.firstName === "string" ? name.firstName.slice(0, 256) : "";
    const last = typeof name.lastName === "string" ? name.lastName.slice(0, 256) : "";
    const full = [first, last].filter((part) => part !== "").join(" ");
    return { ...(first ? { first_name: first } : {}), ...(last ? { last_name: last } : {}), ...(full ? { name: full } : {}) };
  } catch {
    return {};
  }
}
