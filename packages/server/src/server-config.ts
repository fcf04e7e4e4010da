import { readFile } from "node:fs/promises";

/** A named HS256 token signing secret. */
export interface SigningKey {
  kid: string;
  secret: string;
}

/** SMTP settings for confirmation and reset mail (nodemailer transport options). */
export interface SmtpSettings {
  host: string;
  port: number;
  /** TLS from the first byte (port 465). Otherwise STARTTLS is used when the server offers it. */
  secure?: boolean;
  auth?: { user: string; pass: string };
  /** The From: address. */
  from: string;
}

/** Settings of one app that do not belong in its App Services export: secrets and Gatehouse options. */
export interface AppServerSettings {
  /** HS256 token signing keys; the last one signs. Generated and kept in the store when absent. */
  signingKeys?: SigningKey[];
  /** Secret values by name (what `secret_config` and `from_secret` values refer to). */
  secrets?: Record<string, string>;
  /**
   * How emails are compared. App Services compared them exactly (case-sensitively), which is the
   * default so migrated users keep logging in; `case-insensitive` treats `A@x.io` and `a@x.io` as one.
   */
  emailMatching?: "exact" | "case-insensitive";
  /**
   * Connection strings of the app's data sources by service name (`mongodb-atlas`, ...): exports carry
   * none. A data source without one is served by builtin collections in Gatehouse's own database.
   */
  dataSources?: Record<string, { uri: string }>;
  /**
   * Whether deleting a user (admin API, `/auth/delete`, `gatehouse-admin`) also deletes its custom user
   * data document. Default false: App Services left that document to the app.
   */
  deleteCustomUserData?: boolean;
}

/**
 * Where Gatehouse reaches the social identity providers. Defaults are the providers' real endpoints;
 * tests and air-gapped operators point them elsewhere.
 */
export interface IdentityProviderEndpoints {
  google: { jwksUri: string; tokenUri: string; authorizeUri: string; userinfoUri: string };
  apple: { jwksUri: string; tokenUri: string; authorizeUri: string };
  /** `graphApiBase` is the whole Graph base, version included if any: `/debug_token` and `/me` are appended. */
  facebook: { graphApiBase: string; authorizeUri: string };
}

/** The real providers' endpoints. */
export const DEFAULT_IDENTITY_PROVIDERS: IdentityProviderEndpoints = {
  google: {
    jwksUri: "https://www.googleapis.com/oauth2/v3/certs",
    tokenUri: "https://oauth2.googleapis.com/token",
    authorizeUri: "https://accounts.google.com/o/oauth2/v2/auth",
    userinfoUri: "https://openidconnect.googleapis.com/v1/userinfo",
  },
  apple: {
    jwksUri: "https://appleid.apple.com/auth/keys",
    tokenUri: "https://appleid.apple.com/auth/token",
    authorizeUri: "https://appleid.apple.com/auth/authorize",
  },
  facebook: { graphApiBase: "https://graph.facebook.com", authorizeUri: "https://www.facebook.com/dialog/oauth" },
};

/** The server config file (`--config FILE`, JSON). Every field is optional. */
export interface ServerConfig {
  /**
   * Public base URL (what `/location` returns as `hostname`). Required behind a proxy. Without it
   * `/location` answers with the address the connection reached (a `Host` of `localhost` or of that
   * address is kept), never with a name the client sent.
   */
  publicUrl?: string;
  /** Per-app settings keyed by client app id. */
  apps?: Record<string, AppServerSettings>;
  smtp?: SmtpSettings;
  sessions?: {
    /** Default 1800 (App Services' fixed 30 minutes). */
    accessTokenLifetimeSeconds?: number;
    /** Default 5184000 (60 days); 1800 to 157680000 (5 years). */
    refreshTokenLifetimeSeconds?: number;
    /** Default 157680000 (5 years): anonymous users cannot log in again, so their sessions last. */
    anonymousRefreshTokenLifetimeSeconds?: number;
  };
  rateLimits?: {
    /** Default true. Benchmarks switch it off. */
    enabled?: boolean;
    /** Default 60. */
    windowSeconds?: number;
    /** Attempts per client IP per window on each credential route. Default 120. */
    perIp?: number;
    /**
     * Attempts per account (email) per window on each credential route. Default 10. For login it
     * counts failures per account and client IP; a successful login clears them.
     */
    perAccount?: number;
    /**
     * Failed logins per account per window from all IPs together past which each IP gets one more try
     * (a guess spread over many addresses). Default 100.
     */
    perAccountAllIps?: number;
  };
  /** argon2id cost. Defaults are OWASP's minimum: 19 MiB, t=2, p=1. */
  passwordHashing?: { memoryCost?: number; timeCost?: number; parallelism?: number };
  /**
   * Which peers are reverse proxies whose `X-Forwarded-For` is believed: a hop count (`1` = the socket
   * peer is the one proxy) or a list of proxy addresses and CIDR ranges (`["10.0.0.0/8", "::1"]`). The
   * client IP is the first hop that is not trusted. `true` (the old "trust everything") now means `1`.
   * Default: none, the socket peer is the client. Behind a proxy, set `publicUrl` too.
   */
  trustProxy?: boolean | number | string[];
  /** How long what clients leave behind is kept (housekeeping deletes the rest every 10 minutes). */
  retention?: {
    /** Anonymous users without a login or refresh for this many days are deleted. Default 90 (App Services). */
    anonymousUserInactiveDays?: number;
    /** Audit events older than this many days are deleted. Default 90. */
    auditEventDays?: number;
  };
  /** HTTP timeouts, in milliseconds. */
  timeouts?: {
    /** The whole request (headers and body) must arrive within this. Default 30000. */
    requestMs?: number;
    /** The headers must arrive within this. Default 10000 (at most `requestMs`). */
    headersMs?: number;
    /**
     * A connection with no bytes moving for this long is closed (a stalled body). It also bounds how
     * long a request may take to answer, so it must exceed the function time limit. Default 30000,
     * or the function time limit plus 10000 when that is longer.
     */
    idleMs?: number;
    /**
     * An idle keep-alive connection is closed after this. Default 72000: longer than the idle timeout
     * of common load balancers (60 s), which must close first or they send on a closing connection.
     */
    keepAliveMs?: number;
  };
  /** The admin API's project id (`groupId`), 24-hex. Default: a random id kept in the database. */
  adminGroupId?: string;
  /** Admin API sessions. */
  admin?: {
    /** Default 43200 (12 hours): operators log in again each working day. 1800 to 2592000. */
    refreshTokenLifetimeSeconds?: number;
  };
  /** The database connection (PostgreSQL; SQLite has no pool and no network). */
  database?: {
    /** Connections per server process (each `--workers` process has its own pool). Default 10. */
    poolSize?: number;
    /** PostgreSQL `statement_timeout` of every query, in ms; the client gives up one second later. Default 5000. */
    statementTimeoutMs?: number;
    /** How long a request waits for a connection before it is answered 503. Default 2000. */
    connectionTimeoutMs?: number;
  };
  /** Prometheus metrics at `GET /metrics`. */
  metrics?: {
    /** Default true. */
    enabled?: boolean;
    /** Serve them on this port (all interfaces of `host`) instead of the serving port. */
    port?: number;
    /** Interface of the separate metrics port. Default 127.0.0.1. */
    host?: string;
    /** Require `Authorization: Bearer <token>` (at least 16 characters). */
    bearerToken?: string;
  };
  /** The function sandbox. */
  functions?: {
    /** Worker threads shared by all apps. Default 2. */
    workers?: number;
    /** Per-call time limit. Default 10000 (App Services allowed 300 s; a login should not wait that long). */
    timeLimitMs?: number;
    /** Memory of each app's function VM, in MB (in every worker). Default 128. */
    memoryLimitMb?: number;
    /** Largest argument list, result, service payload or HTTP body of a function call, in bytes of EJSON. Default 8 MiB. */
    maxValueBytes?: number;
    /** Worker threads reserved for auth functions (custom-function login, confirmation, reset, triggers). Default 1; 0 shares the user workers. */
    authWorkers?: number;
    /** Extra worker threads each lane may start while all its workers are held by long runs. Default 2. */
    maxSurgeWorkers?: number;
    /** Calls of one user in flight at once; more wait in line. Default 8. */
    maxConcurrentPerUser?: number;
    /** Calls of one app in flight at once (per lane); more wait in line. Default 64. */
    maxConcurrentPerApp?: number;
    /** Calls of one app waiting at once (per lane); beyond, calls fail with FunctionExecutionError (functionQueueFull). Default 256. */
    maxQueuedPerApp?: number;
  };
  /** The operator web console at `/console/`. */
  console?: {
    /** Default true. `false` serves nothing at `/console/`. */
    enabled?: boolean;
    /** Directory of the built console (its `index.html` and `assets/`). Default: the installed `@gatehouse/console` package's `dist`. */
    assetsDir?: string;
  };
  /** Endpoints of Google, Apple and Facebook; each key defaults to the real provider's. */
  identityProviders?: {
    google?: Partial<IdentityProviderEndpoints["google"]>;
    apple?: Partial<IdentityProviderEndpoints["apple"]>;
    facebook?: Partial<IdentityProviderEndpoints["facebook"]>;
  };
  /**
   * Time limit of each request Gatehouse makes to an identity provider (JWKS, token, userinfo, Graph
   * API). Default 5000: a login waits at most this long, then answers 503.
   */
  identityProviderTimeoutMs?: number;
}

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
  if (passwordHashing.memoryCost < 19_456 || passwordHashing.timeCost < 2 || passwordHashing.parallelism < 1) {
    throw new Error(
      "server config: passwordHashing may not go below OWASP's argon2id minimum (memoryCost 19456, timeCost 2, parallelism 1)",
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

function resolveEndpoints(given: ServerConfig["identityProviders"] = {}): IdentityProviderEndpoints {
  const out = structuredClone(DEFAULT_IDENTITY_PROVIDERS) as unknown as Record<string, Record<string, string>>;
  for (const [provider, keys] of Object.entries(given ?? {})) {
    const defaults = Object.hasOwn(out, provider) ? out[provider] : undefined;
    if (!defaults) throw new Error(`server config: identityProviders.${provider} is not one of google, apple, facebook`);
    for (const [key, value] of Object.entries(keys ?? {})) {
      if (!Object.hasOwn(defaults, key)) {
        throw new Error(`server config: identityProviders.${provider}.${key} is not one of ${Object.keys(defaults).join(", ")}`);
      }
      if (typeof value !== "string" || !/^https?:\/\//.test(value)) {
        throw new Error(`server config: identityProviders.${provider}.${key} must be an http(s) URL`);
      }
      defaults[key] = value.replace(/\/+$/, "");
    }
  }
  return out as unknown as IdentityProviderEndpoints;
}

/** Reads a JSON server config file. */
export async function readServerConfigFile(path: string): Promise<ServerConfig> {
  const text = await readFile(path, "utf8");
  try {
    return JSON.parse(text) as ServerConfig;
  } catch (error) {
    throw new Error(`server config ${path}: invalid JSON: ${(error as Error).message}`);
  }
}
