import { pino } from "pino";
import { systemClock, type Clock } from "./clock.js";
import { describeSupport, loadAppDirectory, reportWarnings } from "./config/index.js";
import type { AppConfig } from "./config/types.js";
import { missingSecretWarnings } from "./auth/providers/secrets.js";
import { buildHttpApp, type HttpApp } from "./http/app.js";
import { inFlightHandlers } from "./http/in-flight.js";
import { SERVED_PROVIDERS } from "./auth/served-providers.js";
import { argon2Load } from "./auth/password.js";
import { StoreUnavailableError } from "./errors.js";
import { defaultConsoleAssetsDir, loadConsoleAssets, type ConsoleAssets } from "./http/console/assets.js";
import { workerMetricsSource } from "./metrics/cluster-metrics.js";
import { listenForMetrics, localSource, type MetricsListener, type MetricsSource } from "./metrics/exposition.js";
import { ProcessMetrics, ServerMetrics } from "./metrics/registry.js";
import { resolveServerConfig, type ServerConfig } from "./server-config.js";
import { createServices, type Services } from "./services.js";
import type { AuditEvent } from "./store/records.js";
import { Store } from "./store/store.js";

/** Options of {@link startServer}. */
export interface StartOptions {
  /** App directories in the App Services export format, optionally with a client app id override. */
  apps: (string | { dir: string; clientAppId?: string })[];
  /** `sqlite:PATH` or `postgres://...`. */
  db: string;
  /** Default 9090; 0 picks a free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Base URL clients reach the server at (overrides `config.publicUrl`). */
  publicUrl?: string;
  config?: ServerConfig;
  clock?: Clock;
  /** pino level; default `info` (`silent` in tests). */
  logLevel?: string;
  /** Node's process metrics (CPU, memory, event loop, GC) beside Gatehouse's. Default true. */
  processMetrics?: boolean;
  /**
   * Set by the `--workers` supervisor in each worker: housekeeping, server-wide metrics and a separate
   * metrics port are the supervisor's; `/metrics` here asks it for the aggregate of all workers.
   */
  clusterWorker?: boolean;
}

/** A running server and the library API over it. */
export interface GatehouseServer {
  /** `http://host:port`. */
  url: string;
  port: number;
  /** The separate metrics endpoint (`metrics.port`), when there is one. */
  metricsUrl?: string;
  /** Start-up report: one line per notable fact of each app (unsupported providers and features...). */
  report: string[];
  services: Services;
  http: HttpApp;
  /** The audit log of an app, oldest first. */
  listAuditEvents(query: { clientAppId: string; type?: string; userId?: string }): Promise<AuditEvent[]>;
  /** Operator actions, by client app id and user id. */
  admin: {
    deleteUser(clientAppId: string, userId: string): Promise<void>;
    disableUser(clientAppId: string, userId: string): Promise<void>;
    enableUser(clientAppId: string, userId: string): Promise<void>;
    logoutUser(clientAppId: string, userId: string): Promise<void>;
  };
  /** Stops accepting requests, finishes those in flight and closes the store. */
  close(): Promise<void>;
}

/** Provider types and features this build serves (the rest is reported at start-up). */
export const SUPPORTED = { providers: Object.keys(SERVED_PROVIDERS), features: [] as string[] };

/**
 * How long `close` lets request handlers whose clients have gone run on before it closes the store under
 * them: longer than a login queued behind argon2id under load, short enough for a deployment's stop timeout.
 */
const HANDLER_DRAIN_MS = 10_000;

/** Loads the apps, opens the store and starts listening. */
export async function startServer(options: StartOptions): Promise<GatehouseServer> {
  const config = resolveServerConfig({ ...options.config, ...(options.publicUrl ? { publicUrl: options.publicUrl } : {}) });
  const clock = options.clock ?? systemClock;
  const apps: AppConfig[] = [];
  for (const entry of options.apps) {
    const { dir, clientAppId } = typeof entry === "string" ? { dir: entry, clientAppId: undefined } : entry;
    apps.push(await loadAppDirectory(dir, clientAppId ? { clientAppId } : {}));
  }
  // Tokens travel in headers; never log them.
  const log = pino({
    level: options.logLevel ?? "info",
    redact: ["req.headers.authorization", "req.headers.cookie"],
    // Requests are logged by path only: core sends the access token as a query parameter (`baas_at`).
    serializers: {
      req: (req: { method?: string; url?: string; ip?: string }) => ({ method: req.method, path: req.url?.split("?")[0], ip: req.ip }),
    },
  });
  const worker = options.clusterWorker === true;
  const metrics = config.metrics.enabled ? new ProcessMetrics(argon2Load, { processMetrics: options.processMetrics !== false }) : undefined;
  const store = await Store.open(options.db, {
    ...config.database,
    onFault: (error) => {
      const reason = error instanceof StoreUnavailableError ? error.fault : "connection_lost";
      metrics?.storeFault(reason);
      // A lost idle connection is reported once here; query faults are logged with their request.
      if (!(error instanceof StoreUnavailableError)) {
        log.warn({ code: (error as { code?: string }).code, detail: error.message }, "database connection lost");
      }
    },
  });
  let services: Services | undefined;
  let listening: HttpApp | undefined;
  let metricsListener: MetricsListener | undefined;
  try {
    services = await createServices({ config, clock, store, apps, log, ...(metrics ? { metrics } : {}), housekeeping: !worker });
    let source: MetricsSource | undefined;
    if (metrics) {
      source = worker
        ? workerMetricsSource(metrics.registry)
        : localSource([metrics.registry, new ServerMetrics(() => store.countActiveSessions(clock.now())).registry]);
    }
    const consoleOption = config.console.enabled ? { console: { assets: await findConsole(config.console.assetsDir, log) } } : {};
    const separatePort = config.metrics.port !== undefined;
    listening = await buildHttpApp(services, {
      logger: log,
      debug: options.logLevel === "debug",
      trustProxy: config.trustProxy,
      timeouts: config.timeouts,
      ...consoleOption,
      ops: {
        store,
        ...(metrics ? { metrics } : {}),
        ...(source && !separatePort ? { metricsSource: source } : {}),
        ...(config.metrics.bearerToken ? { bearerToken: config.metrics.bearerToken } : {}),
        readinessTimeoutMs: config.database.connectionTimeoutMs + 500,
      },
    });
    await listening.listen({ port: options.port ?? 9090, host: options.host ?? "127.0.0.1" });
    if (source && separatePort && !worker) {
      metricsListener = await listenForMetrics({
        source,
        port: config.metrics.port!,
        host: config.metrics.host,
        ...(config.metrics.bearerToken ? { bearerToken: config.metrics.bearerToken } : {}),
        onError: (error) => log.warn({ err: error }, "metrics collection failed"),
      });
    }
  } catch (error) {
    await listening?.close();
    await services?.close();
    await store.close();
    throw error;
  }
  const http = listening;
  const address = http.server.address();
  const port = typeof address === "object" && address ? address.port : (options.port ?? 9090);
  const host = options.host && options.host !== "0.0.0.0" && options.host !== "::" ? options.host : "127.0.0.1";
  const report = [
    ...(config.trustProxy !== 0 && !config.publicUrl
      ? ["warning: trustProxy is set but publicUrl is not: /location answers with this server's own address, not the proxy's"]
      : []),
    ...apps.flatMap((app) => [
      `app ${app.clientAppId} (${app.name}) from ${app.dir}`,
      ...describeSupport(app, SUPPORTED).map((line) => `  ${line}`),
      ...reportWarnings(app).map((line) => `  warning: ${line}`),
      ...missingSecretWarnings(app, config.apps[app.clientAppId]?.secrets).map((line) => `  warning: ${line}`),
    ]),
  ];
  report.push(`admin API group id: ${services.admin.apps.groupId}`);
  const appOf = (id: string) => {
    const app = services.apps.get(id);
    if (!app) throw new Error(`no app '${id}'`);
    return app;
  };
  return {
    url: `http://${host.includes(":") ? `[${host}]` : host}:${port}`,
    port,
    ...(metricsListener ? { metricsUrl: metricsListener.url } : {}),
    report,
    services,
    http,
    listAuditEvents: (q) =>
      services.audit.list({ appId: q.clientAppId, ...(q.type ? { type: q.type } : {}), ...(q.userId ? { userId: q.userId } : {}) }),
    admin: {
      deleteUser: (appId, userId) => services.users.delete(appOf(appId), userId, { actor: "admin" }),
      disableUser: (appId, userId) => services.users.setDisabled(appOf(appId), userId, true),
      enableUser: (appId, userId) => services.users.setDisabled(appOf(appId), userId, false),
      logoutUser: (appId, userId) => services.users.logoutEverywhere(appOf(appId), userId),
    },
    async close() {
      await metricsListener?.close();
      await http.close();
      // Handlers whose clients went away are still running (./http/in-flight.ts): they finish first.
      const handlers = inFlightHandlers(http);
      if (handlers && !(await handlers.settled(HANDLER_DRAIN_MS)))
        log.warn(`closing with ${handlers.count} request handler(s) still running after ${HANDLER_DRAIN_MS} ms`);
      await services.close();
      await store.close();
    },
  };
}

/** Loads the built console; a missing build is logged and leaves `/console/` answering 404. */
async function findConsole(configured: string | undefined, log: { info(m: string): void; warn(m: string): void }) {
  const dir = configured ?? defaultConsoleAssetsDir();
  const assets: ConsoleAssets | undefined = dir ? await loadConsoleAssets(dir) : undefined;
  if (assets) log.info(`console: serving the operator console at /console/ from ${dir}`);
  else {
    const where = dir ? `no built console in ${dir}` : "the @gatehouse/console package is not installed";
    log.warn(`console: ${where}; /console/ answers 404 (build it with npm run build, or set console.enabled false)`);
  }
  return assets;
}
