import { Errors } from "../../errors.js";
import { hashSecret } from "../../ids.js";
import type { RateLimiter } from "../../ratelimit/rate-limiter.js";
import type { Store } from "../../store/store.js";
import type { LoginAttempt, Provider, VerifiedIdentity } from "../provider.js";

/**
 * `api-key`: a user API key logs its owner in, through an `api-key` identity whose id is the key's id.
 * Keys are 64 random characters, stored as SHA-256, so the lookup is by hash and reveals nothing.
 */
export class ApiKeyProvider implements Provider {
  readonly type = "api-key";
  readonly credentialSchema = { type: "object", required: ["key"], properties: { key: { type: "string", maxLength: 256 } } };

  constructor(
    private readonly store: Store,
    private readonly limiter: RateLimiter,
  ) {}

  async verify({ app, body, ip }: LoginAttempt): Promise<VerifiedIdentity> {
    const key = body.key as string;
    await this.limiter.check("login/api-key", app.id, ip);
    const record = await this.store.apiKeys.findByHash(hashSecret(key));
    if (!record || record.appId !== app.id || record.disabled) throw Errors.invalidApiKey();
    return { externalId: record.id, providerData: { name: record.name }, profileData: {}, ownerUserId: record.userId };
  }
}
