import type { Logger } from "pino";
import { createAdminServices, type AdminServices } from "./admin/index.js";
import { AppFunctions } from "./apps/app-functions.js";
import { AppRegistry, createAppRuntime, type AppRuntime } from "./apps/app-runtime.js";
import { AuditLog } from "./audit/audit-log.js";
import { FunctionAuthHooks } from "./auth/function-hooks.js";
import type { AuthHooks } from "./auth/hooks.js";
import { LoginService } from "./auth/login-service.js";
import { OAuthRedirectFlow } from "./auth/oauth-redirect.js";
import { PasswordHasher } from "./auth/password.js";
import { SERVED_PROVIDERS } from "./auth/served-providers.js";
import { KeySetCache } from "./auth/jwt/key-set-cache.js";
import { UserpassFunctionFlows } from "./auth/userpass/function-flows.js";
import { AccountService } from "./auth/userpass/account-service.js";
import type { Clock } from "./clock.js";
import type { AppConfig } from "./config/types.js";
import { Mailer } from "./mail/mailer.js";
import { StoreDeviceClaims } from "./migration/device-claims.js";
import { foreignHashVerifier } from "./migration/foreign-hashes.js";
import { UserImportService } from "./migration/import-service.js";
import { RateLimiter } from "./ratelimit/rate-limiter.js";
import type { ResolvedServerConfig } from "./server-config.js";
import { SessionService } from "./sessions/session-service.js";
import type { HostService } from "./functions/types.js";
import { noMetrics, type ServiceMetrics } from "./metrics/service-metrics.js";
import { Housekeeping, HOUSEKEEPING_INTERVAL_MS, housekeepingSettings } from "./store/housekeeping.js";
import type { Store } from "./store/store.js";
import { ApiKeyService } from "./users/api-key-service.js";
import { UserService } from "./users/user-service.js";

/** Everything the HTTP layer and the library API call into. Built once per server. */
export interface Services {
  config: ResolvedServerConfig;
  clock: Clock;
  store: Store;
  apps: AppRegistry;
  audit: AuditLog;
  sessions: SessionService;
  logins: LoginService;
  oauth: OAuthRedirectFlow;
  accounts: AccountService;
  users: UserService;
  apiKeys: ApiKeyService;
  mailer: Mailer;
  hooks: AuthHooks;
  functions: AppFunctions;
  housekeeping: Housekeeping;
  /** The operator side: keys, admin sessions, apps and user management (admin API and CLI). */
  admin: AdminServices;
  /** User import (admin API `users/import`; the CLI builds its own over the store). */
  imports: UserImportService;
  log: Logger;
  /** Where the services report counts (no-op when metrics are off). */
  metrics: ServiceMetrics;
  /** Stops the function workers and closes connections the services opened. */
  close(): Promise<void>;
}

/** Wires the services for a set of loaded apps over an open store. */
export async function createServices(input: {
  config: ResolvedServerConfig;
  clock: Clock;
  store: Store;
  apps: AppConfig[];
  log: Logger;
  metrics?: ServiceMetrics;
  /** Run housekeeping in this process (default true; the workers of a cluster leave it to the supervisor). */
  housekeeping?: boolean;
}): Promise<Services> {
  const { config, clock, store, log } = input;
  const metrics = input.metrics ?? noMetrics;
  const apps = new AppRegistry();
  for (const appConfig of input.apps) {
    apps.add(await createAppRuntime(appConfig, config.apps[appConfig.clientAppId] ?? {}, store, clock.now()));
  }
  const functions = new AppFunctions(
    store,
    config.functions,
    (appId, functionName, line) => log.info({ app: appId, function: functionName }, line),
    (result) => metrics.functionCall(result),
  );
  const hooks = new FunctionAuthHooks(functions, clock, (appId, what, error) => log.error({ app: appId, err: error }, `${what} failed`));
  const audit = new AuditLog(store, clock);
  const hasher = new PasswordHasher(config.passwordHashing, foreignHashVerifier);
  const limiter = new RateLimiter(store, clock, config.rateLimits, metrics);
  const mailer = new Mailer(config.smtp);
  const sessions = new SessionService(store, apps, clock, config.sessions, hooks, audit, metrics);
  const logins = new LoginService(store, clock, sessions, hooks, audit, metrics);
  const keySets = new KeySetCache(clock, config.identityProviderTimeoutMs);
  const providerDeps = { store, clock, hasher, limiter, functions, keySets, deviceClaims: new StoreDeviceClaims(store), config };
  for (const [type, build] of Object.entries(SERVED_PROVIDERS)) logins.register(type, build(providerDeps));
  const oauth = new OAuthRedirectFlow(store, clock, apps, logins, sessions, limiter);
  const flows = new UserpassFunctionFlows(store, clock, hasher, functions, audit);
  const accounts = new AccountService(store, clock, hasher, mailer, limiter, audit, flows);
  const users = new UserService(store, clock, hooks, audit);
  const apiKeys = new ApiKeyService(store, clock, audit);
  const admin = await createAdminServices({
    config,
    clock,
    store,
    apps,
    audit,
    limiter,
    hasher,
    sessions,
    users,
    accounts,
    hooks,
    servedProviderTypes: logins.supportedTypes(),
    onError: (error) => log.error({ err: error }, "reloading run-time settings failed"),
  });
  await functions.start(apps.all(), (app) => ({ "gatehouse-admin": adminService(app, users) }));
  const housekeeping = new Housekeeping(store, clock, housekeepingSettings(config));
  if (input.housekeeping !== false)
    housekeeping.start(HOUSEKEEPING_INTERVAL_MS, (error) => log.error({ err: error }, "housekeeping failed"));
  return {
    config,
    clock,
    store,
    apps,
    audit,
    sessions,
    logins,
    oauth,
    accounts,
    users,
    apiKeys,
    mailer,
    hooks,
    functions,
    housekeeping,
    admin,
    imports: new UserImportService(store, clock),
    log,
    metrics,
    async close() {
      housekeeping.stop();
      await functions.close();
      mailer.close();
    },
  };
}

/**
 * `context.services.get("gatehouse-admin")`: what App Services apps did through the Admin API from a
 * function (the seed's advice for deleting users). A function running as system may act on any user
 * of its app; any other function only on its calling user.
 */
function adminService(app: AppRuntime, users: UserService): HostService {
  const target = (info: Parameters<HostService[string]>[0], userId: unknown): string => {
    if (typeof userId !== "string") throw new Error("a user id (string) is required");
    if (!info.runningAsSystem && info.user?.id !== userId) throw new Error("only a system function may act on another user");
    return userId;
  };
  return {
    deleteUser: async (info, userId) => {
      await users.delete(app, target(info, userId), { actor: "admin" });
    },
    disableUser: async (info, userId) => {
      await users.setDisabled(app, target(info, userId), true);
    },
    logoutUser: async (info, userId) => {
      await users.logoutEverywhere(app, target(info, userId));
    },
  };
}
