import type { AppRuntime } from "../../apps/app-runtime.js";
import type { Clock } from "../../clock.js";
import type { ProviderConfig } from "../../config/types.js";
import { Errors } from "../../errors.js";
import type { RateLimiter } from "../../ratelimit/rate-limiter.js";
import type { IdentityProviderEndpoints } from "../../server-config.js";
import { verifyExternalJwt } from "../jwt/external-jwt.js";
import type { KeySetCache } from "../jwt/key-set-cache.js";
import { JwtRefused } from "../jwt/refusal.js";
import { fetchJson } from "../outbound.js";
import type { LoginAttempt, RedirectProvider, VerifiedIdentity } from "../provider.js";
import { checkDomain, clientIdOf, exchangeCode, outboundFailure, socialMetadata, withQuery } from "./social.js";

/** Google signs id_tokens with either spelling of its issuer. */
const ISSUERS = ["accounts.google.com", "https://accounts.google.com"];
const LABEL = "invalid oauth2-google id_token";

/**
 * `oauth2-google`: an OpenID `id_token` verified against Google's keys (`openId: true`), or an
 * `authCode` exchanged at Google's token endpoint with the app's client secret. The profile comes from
 * the id_token's standard claims, or (without OpenID) from the userinfo endpoint; `hd` is checked
 * against `domain_restrictions`.
 */
export class GoogleProvider implements RedirectProvider {
  readonly type = "oauth2-google";
  readonly credentialSchema = {
    type: "object",
    properties: { id_token: { type: "string", maxLength: 16_384 }, authCode: { type: "string", maxLength: 4096 } },
  };

  constructor(
    private readonly endpoints: IdentityProviderEndpoints["google"],
    private readonly keySets: KeySetCache,
    private readonly clock: Clock,
    private readonly limiter: RateLimiter,
    private readonly timeoutMs: number,
  ) {}

  async verify({ app, provider, body, ip }: LoginAttempt): Promise<VerifiedIdentity> {
    if (body.id_token === undefined && body.authCode === undefined) throw Errors.missingParameter("'authCode' or 'id_token' is required");
    // One of the two is required: a rule across fields, with its own wording, so not in the schema.
    const idToken = body.id_token as string | undefined;
    const code = idToken === undefined ? (body.authCode as string) : undefined;
    await this.limiter.check("login/oauth2-google", app.id, ip);
    if (idToken !== undefined) {
      if (provider.config.openId !== true) throw Errors.googleOpenIdOff();
      return this.fromIdToken(provider, idToken);
    }
    return this.completeRedirect(app, provider, code!, undefined);
  }

  authorizeUrl(provider: ProviderConfig, redirectUri: string, state: string): string {
    return withQuery(this.endpoints.authorizeUri, {
      client_id: clientIdOf(provider),
      redirect_uri: redirectUri,
      response_type: "code",
      scope: "openid email profile",
      state,
    });
  }

  async completeRedirect(
    app: AppRuntime,
    provider: ProviderConfig,
    code: string,
    redirectUri: string | undefined,
  ): Promise<VerifiedIdentity> {
    const tokens = await exchangeCode(app, provider, this.endpoints.tokenUri, code, redirectUri, this.timeoutMs);
    if (provider.config.openId === true && typeof tokens.id_token === "string") return this.fromIdToken(provider, tokens.id_token);
    if (typeof tokens.access_token !== "string")
      throw Errors.identityProviderUnavailable(this.type, "the token endpoint sent no access_token");
    let info: unknown;
    try {
      info = await fetchJson(this.endpoints.userinfoUri, this.timeoutMs, { headers: { authorization: `Bearer ${tokens.access_token}` } });
    } catch (error) {
      throw outboundFailure(this.type, error, () => Errors.authCodeRejected(this.type));
    }
    const claims = (typeof info === "object" && info !== null ? info : {}) as Record<string, unknown>;
    if (typeof claims.sub !== "string" || claims.sub === "") throw Errors.identityProviderUnavailable(this.type, "userinfo named no user");
    return identityOf(provider, claims);
  }

  private async fromIdToken(provider: ProviderConfig, token: string): Promise<VerifiedIdentity> {
    try {
      const claims = await verifyExternalJwt(token, {
        algorithms: ["RS256"],
        keys: this.keySets.get(this.endpoints.jwksUri).getKey,
        issuers: ISSUERS,
        audience: { values: [clientIdOf(provider)], any: true },
        nowMs: this.clock.now(),
      });
      return identityOf(provider, claims);
    } catch (error) {
      if (error instanceof JwtRefused) throw error.toError(LABEL);
      throw error;
    }
  }
}

function identityOf(provider: ProviderConfig, claims: Record<string, unknown>): VerifiedIdentity {
  checkDomain(provider, claims.hd);
  // Google's claim names, as App Services' metadata field names.
  const metadata = socialMetadata(provider, {
    name: claims.name,
    first_name: claims.given_name,
    last_name: claims.family_name,
    email: claims.email,
    picture: claims.picture,
  });
  return { externalId: String(claims.sub), providerData: metadata, profileData: metadata };
}
