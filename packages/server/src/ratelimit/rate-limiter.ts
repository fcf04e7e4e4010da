import type { Clock } from "../clock.js";
import { Errors } from "../errors.js";
import type { ResolvedServerConfig } from "../server-config.js";
import type { Store } from "../store/store.js";

/**
 * Fixed-window rate limits on credential routes, counted in the store so that every server instance
 * shares them. One counter per (route, app, IP) and one per (route, app, account).
 */
export class RateLimiter {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly settings: ResolvedServerConfig["rateLimits"],
  ) {}

  /** Counts an attempt; throws 429 `TooManyRequests` when either limit is exceeded. */
  async check(route: string, appId: string, ip: string, account?: string): Promise<void> {
    if (!this.settings.enabled) return;
    const windowMs = this.settings.windowSeconds * 1000;
    const now = this.clock.now();
    const windowStart = now - (now % windowMs);
    const retryAfter = Math.ceil((windowStart + windowMs - now) / 1000);
    const ipCount = await this.store.rateLimits.hit(`${route}|${appId}|ip|${ip}`, windowStart);
    if (ipCount > this.settings.perIp) throw Errors.tooManyRequests(retryAfter);
    if (account !== undefined) {
      const accountCount = await this.store.rateLimits.hit(`${route}|${appId}|account|${account}`, windowStart);
      if (accountCount > this.settings.perAccount) throw Errors.tooManyRequests(retryAfter);
    }
  }
}
