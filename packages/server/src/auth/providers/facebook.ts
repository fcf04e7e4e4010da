import { createHmac } from "node:crypto";
import type { AppRuntime } from "../../apps/app-runtime.js";
import type { ProviderConfig } from "../../config/types.js";
import { Errors } from "../../errors.js";
import type { RateLimiter } from "../../ratelimit/rate-limiter.js";
import type { IdentityProviderEndpoints } from "../../server-config.js";
import { fetchJson, OutboundError } from "../outbound.js";
import type { LoginAttempt, RedirectProvider, VerifiedIdentity } from "../provider.js";
import { checkDomain, clientIdOf, outboundFailure, socialMetadata, withQuery } from "./social.js";
import { secretValue } from "./secrets.js";

/** App Services' Facebook metadata names → the Graph `/me` fields that hold them. */
const GRAPH_FIELDS: Record<string, string> = {
  name: "name",
  first_name: "first_name",
  last_name: "last_name",
  picture: "picture",
  gender: "gender",
  birthday: "birthday",
  min_age: "age_range",
  max_age: "age_range",
  email: "email",
};

/**
 * `oauth2-facebook`: the user access token is checked with Graph `debug_token` under the app token
 * `{clientId}|{clientSecret}` (valid, and issued to this app), then `/me` gives the metadata fields.
 * `graphApiBase` is the Graph base URL, version included if any.
 */
export class FacebookProvider implements RedirectProvider {
  readonly type = "oauth2-facebook";
  readonly credentialSchema = {
    type: "object",
    required: ["accessToken"],
    properties: { accessToken: { type: "string", maxLength: 4096 } },
  };

  constructor(
    private readonly endpoints: IdentityProviderEndpoints["facebook"],
    private readonly limiter: RateLimiter,
    private readonly timeoutMs: number,
  ) {}

  async verify({ app, provider, body, ip }: LoginAttempt): Promise<VerifiedIdentity> {
    const accessToken = body.accessToken as string;
    await this.limiter.check("login/oauth2-facebook", app.id, ip);
    return this.fromAccessToken(app, provider, accessToken);
  }

  authorizeUrl(provider: ProviderConfig, redirectUri: string, state: string): string {
    return withQuery(this.endpoints.authorizeUri, {
      client_id: clientIdOf(provider),
      redirect_uri: redirectUri,
      response_type: "code",
      scope: "public_profile,email",
      state,
    });
  }

  async completeRedirect(app: AppRuntime, provider: ProviderConfig, code: string, redirectUri: string): Promise<VerifiedIdentity> {
    const answer = await this.graph(`/oauth/access_token`, {
      client_id: clientIdOf(provider),
      client_secret: secretValue(app, provider, "clientSecret"),
      redirect_uri: redirectUri,
      code,
    }).catch((error: unknown) => {
      throw outboundFailure(this.type, error, () => Errors.authCodeRejected(this.type));
    });
    if (typeof answer.access_token !== "string") throw Errors.identityProviderUnavailable(this.type, "Graph sent no access_token");
    return this.fromAccessToken(app, provider, answer.access_token);
  }

  private async fromAccessToken(app: AppRuntime, provider: ProviderConfig, accessToken: string): Promise<VerifiedIdentity> {
    const clientId = clientIdOf(provider);
    const secret = secretValue(app, provider, "clientSecret");
    let debug: Record<string, unknown>;
    try {
      debug = await this.graph("/debug_token", { input_token: accessToken, access_token: `${clientId}|${secret}` });
    } catch (error) {
      // Graph refusing the app token itself is the operator's client id or secret, not the user's token.
      if (error instanceof OutboundError && error.kind === "status" && error.status === 400) {
        throw Errors.providerMisconfigured(this.type, "the Graph API refused the app token (check clientId and the clientSecret secret)");
      }
      throw outboundFailure(this.type, error, () => Errors.facebookTokenInvalid("refused by the Graph API"));
    }
    const data = (typeof debug.data === "object" && debug.data !== null ? debug.data : {}) as Record<string, unknown>;
    if (data.is_valid !== true) throw Errors.facebookTokenInvalid("the token is not valid");
    if (String(data.app_id) !== clientId) throw Errors.facebookTokenInvalid("the token was issued to another app");
    const userId = typeof data.user_id === "string" || typeof data.user_id === "number" ? String(data.user_id) : "";
    if (userId === "") throw Errors.facebookTokenInvalid("the token names no user");
    const wanted = new Set(["id", ...provider.metadataFields.map((f) => GRAPH_FIELDS[f.name] ?? f.name)]);
    if (provider.domainRestrictions.length > 0) wanted.add("email");
    let me: Record<string, unknown>;
    try {
      // appsecret_proof: Graph accepts the user token from this server only (apps with "Require App Secret").
      const proof = createHmac("sha256", secret).update(accessToken).digest("hex");
      me = await this.graph("/me", { fields: [...wanted].join(","), access_token: accessToken, appsecret_proof: proof });
    } catch (error) {
      throw outboundFailure(this.type, error, () => Errors.facebookTokenInvalid("refused by the Graph API"));
    }
    const email = typeof me.email === "string" ? me.email : undefined;
    // Facebook has no hosted domain: domain_restrictions are matched against the email's domain.
    if (provider.domainRestrictions.length > 0) checkDomain(provider, email?.split("@")[1]);
    const picture = (me.picture as { data?: { url?: unknown } } | undefined)?.data?.url ?? me.picture;
    const ages = (me.age_range ?? {}) as { min?: unknown; max?: unknown };
    const metadata = socialMetadata(provider, {
      ...me,
      picture,
      min_age: ages.min,
      max_age: ages.max,
      age_range: undefined,
      id: undefined,
    });
    return { externalId: userId, providerData: metadata, profileData: metadata };
  }

  private async graph(path: string, query: Record<string, string>): Promise<Record<string, unknown>> {
    const answer = await fetchJson(withQuery(`${this.endpoints.graphApiBase}${path}`, query), this.timeoutMs);
    if (typeof answer !== "object" || answer === null) throw new OutboundError("body", "Graph answered no JSON object");
    return answer as Record<string, unknown>;
  }
}
