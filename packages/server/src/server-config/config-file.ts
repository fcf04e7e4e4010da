/**
 * The server config file's shape: every key an operator may set, with its default and range.
 * Part of the server config that `../server-config.ts` gathers.
 */

import type { AppServerSettings, SmtpSettings } from "./app-settings.js";
import type { IdentityProviderOverrides } from "./identity-providers.js";

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
  /** argon2id cost (memory in KiB). Default 19456 / 2 / 1; must reach one of OWASP's configurations (`OWASP_ARGON2ID`). */
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
  /** The background pass that deletes what `retention` and expiry leave behind. */
  housekeeping?: {
    /**
     * After each batch of deletes, pause this many times as long as the batch took: a pass keeps the
     * database busy at most 1 / (1 + pauseRatio) of its time. 0 to 100; 0 deletes flat out. Default 4.
     */
    pauseRatio?: number;
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
  identityProviders?: IdentityProviderOverrides;
  /**
   * Time limit of each request Gatehouse makes to an identity provider (JWKS, token, userinfo, Graph
   * API). Default 5000: a login waits at most this long, then answers 503.
   */
  identityProviderTimeoutMs?: number;
}
