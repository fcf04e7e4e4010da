import { newObjectId } from "../../ids.js";
import type { RateLimiter } from "../../ratelimit/rate-limiter.js";
import type { LoginAttempt, Provider, VerifiedIdentity } from "../provider.js";

/**
 * `anon-user`: every login that reaches the server is a new user (PROTOCOL.md §3.1). Limited per IP,
 * since each one creates a user.
 */
export class AnonymousProvider implements Provider {
  readonly type = "anon-user";

  constructor(private readonly limiter: RateLimiter) {}

  async verify({ app, ip }: LoginAttempt): Promise<VerifiedIdentity> {
    await this.limiter.check("login/anon-user", app.id, ip);
    return { externalId: newObjectId(), providerData: {}, profileData: {}, alwaysNew: true };
  }
}
