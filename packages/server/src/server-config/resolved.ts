/**
 * The server config as the server reads it: every default filled in.
 * Part of the server config that `../server-config.ts` gathers.
 */

import type { AppServerSettings, SmtpSettings } from "./app-settings.js";
import type { IdentityProviderEndpoints } from "./identity-providers.js";

/** The config with every default filled in. */
export interface ResolvedServerConfig {
  publicUrl?: string;
  apps: Record<string, AppServerSettings>;
  smtp?: SmtpSettings;
  sessions: { accessTokenLifetimeSeconds: number; refreshTokenLifetimeSeconds: number; anonymousRefreshTokenLifetimeSeconds: number };
  rateLimits: { enabled: boolean; windowSeconds: number; perIp: number; perAccount: number; perAccountAllIps: number };
  passwordHashing: { memoryCost: number; timeCost: number; parallelism: number };
  /** A hop count (0 = no proxy) or the proxies' addresses and ranges. */
  trustProxy: number | string[];
  retention: { anonymousUserInactiveDays: number; auditEventDays: number };
  housekeeping: { pauseRatio: number };
  timeouts: { requestMs: number; headersMs: number; idleMs: number; keepAliveMs: number };
  functions: {
    workers: number;
    timeLimitMs: number;
    memoryLimitMb: number;
    maxValueBytes: number;
    authWorkers: number;
    maxSurgeWorkers: number;
    maxConcurrentPerUser: number;
    maxConcurrentPerApp: number;
    maxQueuedPerApp: number;
  };
  adminGroupId?: string;
  admin: { refreshTokenLifetimeSeconds: number };
  console: { enabled: boolean; assetsDir?: string };
  identityProviders: IdentityProviderEndpoints;
  identityProviderTimeoutMs: number;
  database: { poolSize: number; statementTimeoutMs: number; connectionTimeoutMs: number };
  metrics: { enabled: boolean; port?: number; host: string; bearerToken?: string };
}
