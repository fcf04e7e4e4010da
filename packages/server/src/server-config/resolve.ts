/**
 * Filling in the server config's defaults and checking its ranges.
 * Part of the server config that `../server-config.ts` gathers.
 */

import type { ServerConfig } from "./config-file.js";
import { resolveEndpoints } from "./identity-providers.js";
import type { ResolvedServerConfig } from "./resolved.js";

/**
 * Housekeeping's pause after each batch, in multiples of the batch's duration: a pass takes at most a fifth
 * of one connection's time. At 10M users on PostgreSQL that kept profile and anonymous login at 0.97–1.2×
 * of their throughput with housekeeping idle (1: 0.8–0.9×, flat out: 0.5–0.8×) and still deleted 1,900–4,300
 * ended sessions a second (docs/performance.md, "Scale").
 */
export const DEFAULT_HOUSEKEEPING_PAUSE_RATIO = 4;

/**
 * OWASP's argon2id configurations (Password Storage Cheat Sheet), which it rates as equally strong: less
 * memory is paid for with more passes. A `passwordHashing` setting must reach one of them. The default is
 * the second; the ones below it hold less memory per hash computing at once (on the two-core bench machine
 * 12288/3 took the peak from 160 to 146 MB), but a hash then costs a CPU less time, an attacker's included
 * (docs/performance.md, "Session 8").
 */
export const OWASP_ARGON2ID: readonly { memoryCost: number; timeCost: number }[] = [
  { memoryCost: 47_104, timeCost: 1 },
  { memoryCost: 19_456, timeCost: 2 },
  { memoryCost: 12_288, timeCost: 3 },
  { memoryCost: 9_216, timeCost: 4 },
  { memoryCost: 7_168, timeCost: 5 },
];

const MIN_REFRESH = 1800;
const MAX_REFRESH = 157_680_000;

/** Fills defaults and checks ranges; throws naming the field. */
export function resolveServerConfig(config: ServerConfig = {}): ResolvedServerConfig {
  const sessions = {
    accessTokenLifetimeSeconds: config.sessions?.accessTokenLifetimeSeconds ?? 1800,
    refreshTokenLifetimeSeconds: config.sessions?.refreshTokenLifetimeSeconds ?? 5_184_000,
    anonymousRefreshTokenLifetimeSeconds: config.sessions?.anonymousRefreshTokenLifetimeSeconds ?? MAX_REFRESH,
  };
  for (const field of ["refreshTokenLifetimeSeconds", "anonymousRefreshTokenLifetimeSeconds"] as const) {
    const value = sessions[field];
    if (!Number.isInteger(value) || value < MIN_REFRESH || value > MAX_REFRESH) {
      throw new Error(`server config: sessions.${field} must be an integer from ${MIN_REFRESH} to ${MAX_REFRESH}`);
    }
  }
  const access = sessions.accessTokenLifetimeSeconds;
  if (!Number.isInteger(access) || access < 60 || access > 86_400) {
    throw new Error("server config: sessions.accessTokenLifetimeSeconds must be an integer from 60 to 86400");
  }
  const rateLimits = {
    enabled: config.rateLimits?.enabled ?? true,
    windowSeconds: config.rateLimits?.windowSeconds ?? 60,
    perIp: config.rateLimits?.perIp ?? 120,
    perAccount: config.rateLimits?.perAccount ?? 10,
    perAccountAllIps: config.rateLimits?.perAccountAllIps ?? 100,
  };
  for (const field of ["windowSeconds", "perIp", "perAccount", "perAccountAllIps"] as const) {
    if (!Number.isInteger(rateLimits[field]) || rateLimits[field] < 1) {
      throw new Error(`server config: rateLimits.${field} must be a positive integer`);
    }
  }
  const passwordHashing = {
    memoryCost: config.passwordHashing?.memoryCost ?? 19_456,
    timeCost: config.passwordHashing?.timeCost ?? 2,
    parallelism: config.passwordHashing?.parallelism ?? 1,
  };
  const { memoryCost, timeCost, parallelism } = passwordHashing;
  const integers = [memoryCost, timeCost, parallelism].every((n) => Number.isInteger(n));
  if (!integers || parallelism < 1 || !OWASP_ARGON2ID.some((c) => memoryCost >= c.memoryCost && timeCost >= c.timeCost)) {
    throw new Error(
      "server config: passwordHashing must reach one of OWASP's argon2id configurations (memoryCost KiB / timeCost: " +
        `${OWASP_ARGON2ID.map((c) => `${c.memoryCost}/${c.timeCost}`).join(", ")}; parallelism at least 1)`,
    );
  }
  if (
    config.smtp &&
    (typeof config.smtp.host !== "string" || !Number.isInteger(config.smtp.port) || typeof config.smtp.from !== "string")
  ) {
    throw new Error("server config: smtp needs host (string), port (integer) and from (string)");
  }
  const adminRefresh = config.admin?.refreshTokenLifetimeSeconds ?? 43_200;
  if (!Number.isInteger(adminRefresh) || adminRefresh < 1800 || adminRefresh > 2_592_000) {
    throw new Error("server config: admin.refreshTokenLifetimeSeconds must be an integer from 1800 to 2592000");
  }
  if (config.console?.enabled !== undefined && typeof config.console.enabled !== "boolean") {
    throw new Error("server config: console.enabled must be true or false");
  }
  if (config.console?.assetsDir !== undefined && typeof config.console.assetsDir !== "string") {
    throw new Error("server config: console.assetsDir must be a directory path (string)");
  }
  const identityProviders = resolveEndpoints(config.identityProviders);
  const identityProviderTimeoutMs = config.identityProviderTimeoutMs ?? 5000;
  if (!Number.isInteger(identityProviderTimeoutMs) || identityProviderTimeoutMs < 1 || identityProviderTimeoutMs > 60_000) {
    throw new Error("server config: identityProviderTimeoutMs must be an integer from 1 to 60000");
  }
  const database = {
    poolSize: config.database?.poolSize ?? 10,
    statementTimeoutMs: config.database?.statementTimeoutMs ?? 5000,
    connectionTimeoutMs: config.database?.connectionTimeoutMs ?? 2000,
  };
  for (const field of ["poolSize", "statementTimeoutMs", "connectionTimeoutMs"] as const) {
    if (!Number.isInteger(database[field]) || database[field] < 1) {
      throw new Error(`server config: database.${field} must be a positive integer`);
    }
  }
  const metrics = resolveMetrics(config.metrics);
  return {
    ...(config.adminGroupId !== undefined ? { adminGroupId: config.adminGroupId } : {}),
    admin: { refreshTokenLifetimeSeconds: adminRefresh },
    ...(config.publicUrl ? { publicUrl: config.publicUrl.replace(/\/+$/, "") } : {}),
    apps: config.apps ?? {},
    ...(config.smtp ? { smtp: config.smtp } : {}),
    sessions,
    rateLimits,
    passwordHashing,
    trustProxy: resolveTrustProxy(config.trustProxy),
    retention: resolveRetention(config.retention),
    housekeeping: resolveHousekeeping(config.housekeeping),
    timeouts: resolveTimeouts(config.timeouts, config.functions?.timeLimitMs ?? 10_000),
    functions: {
      workers: config.functions?.workers ?? 2,
      timeLimitMs: config.functions?.timeLimitMs ?? 10_000,
      memoryLimitMb: config.functions?.memoryLimitMb ?? 128,
      maxValueBytes: config.functions?.maxValueBytes ?? 8 * 1024 * 1024,
      authWorkers: config.functions?.authWorkers ?? 1,
      maxSurgeWorkers: config.functions?.maxSurgeWorkers ?? 2,
      maxConcurrentPerUser: config.functions?.maxConcurrentPerUser ?? 8,
      maxConcurrentPerApp: config.functions?.maxConcurrentPerApp ?? 64,
      maxQueuedPerApp: config.functions?.maxQueuedPerApp ?? 256,
    },
    console: {
      enabled: config.console?.enabled ?? true,
      ...(config.console?.assetsDir ? { assetsDir: config.console.assetsDir } : {}),
    },
    identityProviders,
    identityProviderTimeoutMs,
    database,
    metrics,
  };
}

function resolveMetrics(metrics: ServerConfig["metrics"] = {}): ResolvedServerConfig["metrics"] {
  const { port, bearerToken } = metrics;
  if (port !== undefined && (!Number.isInteger(port) || port < 0 || port > 65535)) {
    throw new Error("server config: metrics.port must be a port number");
  }
  if (bearerToken !== undefined && (typeof bearerToken !== "string" || bearerToken.length < 16)) {
    throw new Error("server config: metrics.bearerToken must be a string of at least 16 characters");
  }
  return {
    enabled: metrics.enabled ?? true,
    host: metrics.host ?? "127.0.0.1",
    ...(port !== undefined ? { port } : {}),
    ...(bearerToken !== undefined ? { bearerToken } : {}),
  };
}

function resolveTrustProxy(value: ServerConfig["trustProxy"]): number | string[] {
  if (value === undefined || value === false) return 0;
  // The old boolean trusted every hop, so the leftmost X-Forwarded-For entry (the client's own) won.
  if (value === true) return 1;
  if (typeof value === "number" && Number.isInteger(value) && value >= 0 && value <= 16) return value;
  if (Array.isArray(value) && value.every((entry) => typeof entry === "string")) return value;
  throw new Error("server config: trustProxy must be a hop count (0 to 16) or a list of proxy addresses / CIDR ranges");
}

function resolveRetention(value: ServerConfig["retention"]): ResolvedServerConfig["retention"] {
  const retention = { anonymousUserInactiveDays: value?.anonymousUserInactiveDays ?? 90, auditEventDays: value?.auditEventDays ?? 90 };
  for (const [field, days] of Object.entries(retention)) {
    if (!Number.isInteger(days) || days < 1 || days > 36_500) throw new Error(`server config: retention.${field} must be 1 to 36500 days`);
  }
  return retention;
}

function resolveHousekeeping(value: ServerConfig["housekeeping"]): ResolvedServerConfig["housekeeping"] {
  const pauseRatio = value?.pauseRatio ?? DEFAULT_HOUSEKEEPING_PAUSE_RATIO;
  if (typeof pauseRatio !== "number" || !Number.isFinite(pauseRatio) || pauseRatio < 0 || pauseRatio > 100) {
    throw new Error("server config: housekeeping.pauseRatio must be a number from 0 to 100");
  }
  return { pauseRatio };
}

function resolveTimeouts(value: ServerConfig["timeouts"], functionTimeLimitMs: number): ResolvedServerConfig["timeouts"] {
  const requestMs = value?.requestMs ?? 30_000;
  const timeouts = {
    requestMs,
    headersMs: value?.headersMs ?? Math.min(10_000, requestMs),
    idleMs: value?.idleMs ?? Math.max(30_000, functionTimeLimitMs + 10_000),
    keepAliveMs: value?.keepAliveMs ?? 72_000,
  };
  for (const [field, ms] of Object.entries(timeouts)) {
    if (!Number.isInteger(ms) || ms < 1 || ms > 3_600_000) throw new Error(`server config: timeouts.${field} must be 1 to 3600000 ms`);
  }
  if (timeouts.headersMs > requestMs) throw new Error("server config: timeouts.headersMs may not exceed timeouts.requestMs");
  return timeouts;
}
