import type { KeyObject } from "node:crypto";
import type { AppRuntime } from "../../apps/app-runtime.js";
import type { Clock } from "../../clock.js";
import type { ProviderConfig } from "../../config/types.js";
import { Errors } from "../../errors.js";
import type { RateLimiter } from "../../ratelimit/rate-limiter.js";
import { verifyExternalJwt } from "../jwt/external-jwt.js";
import { JwtRefused } from "../jwt/refusal.js";
import type { KeySetCache } from "../jwt/key-set-cache.js";
import { staticKeys } from "../jwt/static-keys.js";
import type { LoginAttempt, Provider, VerifiedIdentity } from "../provider.js";
import { readMetadata } from "./metadata.js";
import { secretValues } from "./secrets.js";

const LABEL = "invalid custom auth token";
/** App Services offered HS256 and RS256; Gatehouse adds the two modern asymmetric ones. */
const ALGORITHMS = ["HS256", "RS256", "ES256", "EdDSA"];

/**
 * `custom-token`: a JWT the app's own issuer signed (PROTOCOL.md §7.3). The algorithm is pinned to
 * the configured one; keys are the named secrets or the issuer's JWK Set; `sub` is the external id;
 * `metadata_fields` are copied from the claims at each login.
 */
export class CustomTokenProvider implements Provider {
  readonly type = "custom-token";
  readonly credentialSchema = { type: "object", required: ["token"], properties: { token: { type: "string", maxLength: 16_384 } } };
  private readonly keysByApp = new Map<string, KeyObject[]>();

  constructor(
    private readonly clock: Clock,
    private readonly keySets: KeySetCache,
    private readonly limiter: RateLimiter,
  ) {}

  async verify({ app, provider, body, ip }: LoginAttempt): Promise<VerifiedIdentity> {
    const token = body.token as string;
    await this.limiter.check("login/custom-token", app.id, ip);
    const config = provider.config;
    const algorithm = algorithmOf(provider);
    const audiences = [config.audience ?? []].flat().filter((a): a is string => typeof a === "string" && a !== "");
    let payload;
    try {
      payload = await verifyExternalJwt(token, {
        algorithms: [algorithm],
        keys: config.useJWKURI === true ? this.keySets.get(jwkUri(provider)).getKey : this.keysOf(app, provider, algorithm),
        // No audience configured: the token must name this app (App Services' default).
        audience: { values: audiences.length > 0 ? audiences : [app.id], any: config.requireAnyAudience === true },
        nowMs: this.clock.now(),
      });
    } catch (error) {
      if (error instanceof JwtRefused) throw error.toError(LABEL);
      throw error;
    }
    const metadata = readMetadata(provider.metadataFields, payload, LABEL);
    return { externalId: payload.sub, providerData: metadata, profileData: metadata };
  }

  private keysOf(app: AppRuntime, provider: ProviderConfig, algorithm: string): KeyObject[] {
    let keys = this.keysByApp.get(app.id);
    if (!keys) {
      const secrets = secretValues(app, provider, "signingKeys");
      if (secrets.length === 0) throw Errors.providerMisconfigured(provider.type, "no secret_config.signingKeys and useJWKURI is off");
      try {
        keys = staticKeys(algorithm, secrets);
      } catch (error) {
        throw Errors.providerMisconfigured(provider.type, (error as Error).message);
      }
      this.keysByApp.set(app.id, keys);
    }
    return keys;
  }
}

/** The configured algorithm; empty means RS256 with a JWK URI (App Services' only choice there), else HS256. */
function algorithmOf(provider: ProviderConfig): string {
  const configured = provider.config.signingAlgorithm;
  if (typeof configured === "string" && configured !== "") {
    if (!ALGORITHMS.includes(configured)) {
      throw Errors.providerMisconfigured(provider.type, `signingAlgorithm '${configured}' is not one of ${ALGORITHMS.join(", ")}`);
    }
    return configured;
  }
  return provider.config.useJWKURI === true ? "RS256" : "HS256";
}

function jwkUri(provider: ProviderConfig): string {
  const uri = provider.config.jwkURI;
  if (typeof uri !== "string" || !/^https?:\/\//.test(uri))
    throw Errors.providerMisconfigured(provider.type, "useJWKURI is on but jwkURI is not an http(s) URL");
  return uri;
}
