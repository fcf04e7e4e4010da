import type { Clock } from "../clock.js";
import { Errors } from "../errors.js";
import { noMetrics, type ServiceMetrics } from "../metrics/service-metrics.js";
import type { ResolvedServerConfig } from "../server-config.js";
import type { Store } from "../store/store.js";

/**
 * Fixed-window rate limits on credential routes, counted in the store so that every server instance
 * shares them. One counter per (route, app, IP) and one per (route, app, account); email/password
 * login counts per account only what did not succeed (see {@link RateLimiter.checkLogin}).
 */
export class RateLimiter {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly settings: ResolvedServerConfig["rateLimits"],
    private readonly metrics: ServiceMetrics = noMetrics,
  ) {}

  /** Counts an attempt; throws 429 `TooManyRequests` when either limit is exceeded. */
  async check(route: string, appId: string, ip: string, account?: string): Promise<void> {
    if (!this.settings.enabled) return;
    const { windowStart, retryAfter } = this.window();
    // The counters of one attempt in one unit (group-committed on SQLite: Store.counters).
    const over = await this.store.counters(async (tx) => {
      if ((await tx.rateLimits.hit(`${route}|${appId}|ip|${ip}`, windowStart)) > this.settings.perIp) return "ip";
      if (account === undefined) return undefined;
      return (await tx.rateLimits.hit(`${route}|${appId}|account|${account}`, windowStart)) > this.settings.perAccount
        ? "account"
        : undefined;
    });
    if (over) {
      this.metrics.rateLimited(route, over);
      throw Errors.tooManyRequests(retryAfter);
    }
  }

  /**
   * Email/password login, built so that nobody else's failures can lock the owner out:
   * - every attempt counts against the client IP (`perIp`), as on every credential route;
   * - per account, attempts are counted per client IP and **cleared by a successful login**
   *   ({@link loginSucceeded}), so what stays counted is failures (attempts in flight count too, so a
   *   burst of parallel guesses is no way around it). Past `perAccount` failures, that IP is refused
   *   for that account until the window ends; other IPs, the owner's, are not;
   * - failures on the account from all IPs together past `perAccountAllIps` (a guess spread over many
   *   addresses) leave each IP one more try per window: an IP that has not failed on the account, as
   *   the owner's has not, still logs in.
   */
  async checkLogin(appId: string, ip: string, account: string): Promise<void> {
    if (!this.settings.enabled) return;
    const { windowStart, retryAfter } = this.window();
    // Three counters, one unit: one (group) commit instead of three.
    const over = await this.store.counters(async (tx) => {
      if ((await tx.rateLimits.hit(`login|${appId}|ip|${ip}`, windowStart)) > this.settings.perIp) return "ip";
      const fromIp = await tx.rateLimits.hit(this.loginKey(appId, account, ip), windowStart);
      const fromAll = await tx.rateLimits.hit(this.loginKey(appId, account), windowStart);
      const refused = fromIp > this.settings.perAccount || (fromAll > this.settings.perAccountAllIps && fromIp > 1);
      return refused ? "account" : undefined;
    });
    if (over) {
      this.metrics.rateLimited("login", over);
      throw Errors.tooManyRequests(retryAfter);
    }
  }

  /**
   * The right password was given: the account's failure counters start again. Given `tx`, the clearing
   * is part of that transaction (the login's own, so a successful login costs no commit of its own here).
   */
  async loginSucceeded(appId: string, ip: string, account: string, tx?: Store): Promise<void> {
    if (!this.settings.enabled) return;
    await (tx ?? this.store).rateLimits.clear([this.loginKey(appId, account, ip), this.loginKey(appId, account)]);
  }

  private loginKey(appId: string, account: string, ip?: string): string {
    return ip === undefined ? `login|${appId}|account|${account}` : `login|${appId}|account-ip|${ip}|${account}`;
  }

  private window(): { windowStart: number; retryAfter: number } {
    const windowMs = this.settings.windowSeconds * 1000;
    const now = this.clock.now();
    const windowStart = now - (now % windowMs);
    return { windowStart, retryAfter: Math.ceil((windowStart + windowMs - now) / 1000) };
  }
}
