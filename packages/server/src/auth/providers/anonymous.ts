import { newObjectId } from "../../ids.js";
import { deviceInfo } from "../../sessions/device-info.js";
import type { RateLimiter } from "../../ratelimit/rate-limiter.js";
import type { LoginAttempt, Provider, VerifiedIdentity } from "../provider.js";

/**
 * Anonymous users imported from another server, found again by the device id their client kept
 * (`gatehouse users import`). Kept as an interface so `auth` does not depend on the import code.
 */
export interface ImportedDeviceClaims {
  /** The anon-user identity (external id) an imported device belongs to, consuming the claim; else undefined. */
  claim(appId: string, deviceId: string): Promise<string | undefined>;
}

/**
 * `anon-user`: every login that reaches the server is a new user (PROTOCOL.md §3.1). Limited per IP,
 * since each one creates a user.
 */
export class AnonymousProvider implements Provider {
  readonly type = "anon-user";
  readonly credentialSchema = { type: "object" };

  constructor(
    private readonly limiter: RateLimiter,
    private readonly imported?: ImportedDeviceClaims,
  ) {}

  async verify({ app, body, ip }: LoginAttempt): Promise<VerifiedIdentity> {
    await this.limiter.check("login/anon-user", app.id, ip);
    // The one exception: a migrated client's first login, with the device id of an imported anonymous user.
    const deviceId = this.imported ? deviceInfo(body)?.deviceId : undefined;
    const externalId = deviceId ? await this.imported!.claim(app.id, deviceId) : undefined;
    if (externalId !== undefined) return { externalId, providerData: {}, profileData: {} };
    return { externalId: newObjectId(), providerData: {}, profileData: {}, alwaysNew: true };
  }
}
