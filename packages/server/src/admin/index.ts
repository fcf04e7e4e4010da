import type { AppRegistry } from "../apps/app-runtime.js";
import type { AuditLog } from "../audit/audit-log.js";
import type { AccountService } from "../auth/userpass/account-service.js";
import type { AuthHooks } from "../auth/hooks.js";
import type { PasswordHasher } from "../auth/password.js";
import type { Clock } from "../clock.js";
import type { RateLimiter } from "../ratelimit/rate-limiter.js";
import type { ResolvedServerConfig } from "../server-config.js";
import type { SessionService } from "../sessions/session-service.js";
import type { Store } from "../store/store.js";
import type { UserService } from "../users/user-service.js";
import { AdminApps } from "./admin-apps.js";
import { AdminSessions } from "./admin-sessions.js";
import { AdminUsers } from "./admin-users.js";
import { AdminLogs } from "./admin-logs.js";
import { AdminLogStats } from "./admin-log-stats.js";
import { OperatorKeys } from "./operator-keys.js";
import { PendingRegistrations } from "./pending-registrations.js";
import { RuntimeConfig } from "./runtime-config.js";
import { ServerApiKeys } from "./server-api-keys.js";

export { ADMIN_SCOPE, OperatorKeys, type CreatedOperatorKey, type OperatorKeyView } from "./operator-keys.js";
export { AdminApps, type AdminAppView } from "./admin-apps.js";
export { AdminSessions, ADMIN_AUDIENCE, type Operator, type AdminLoginResponse } from "./admin-sessions.js";
export { AdminUsers, PAGE_SIZE, checkId, type UserSearchInput, type AdminDeviceView, type VerifiedTokenView } from "./admin-users.js";
export { toAdminUser, type AdminUserView, type AdminUserDetailView } from "./user-view.js";
export { PendingRegistrations, type PendingUserView } from "./pending-registrations.js";
export { ServerApiKeys, MAX_SERVER_KEYS, type ServerApiKeyView } from "./server-api-keys.js";
export { RuntimeConfig, type AuthProviderView } from "./runtime-config.js";
export { AdminLogs, LOG_PAGE_SIZE, type AuditEventView, type AuditLogInput } from "./admin-logs.js";
export { AdminLogStats, type LogStatsInput, type LogStatsView } from "./admin-log-stats.js";

/** The operator side of Gatehouse: what `http/admin` routes and the CLI call. */
export interface AdminServices {
  keys: OperatorKeys;
  sessions: AdminSessions;
  apps: AdminApps;
  users: AdminUsers;
  pending: PendingRegistrations;
  serverKeys: ServerApiKeys;
  runtime: RuntimeConfig;
  logs: AdminLogs;
  logStats: AdminLogStats;
}

/** Wires the admin services over the client-side ones. */
export async function createAdminServices(deps: {
  config: ResolvedServerConfig;
  clock: Clock;
  store: Store;
  apps: AppRegistry;
  audit: AuditLog;
  limiter: RateLimiter;
  hasher: PasswordHasher;
  sessions: SessionService;
  users: UserService;
  accounts: AccountService;
  /** Where the user page's custom user data comes from (the same lookup as the `user_data` claim). */
  hooks: Pick<AuthHooks, "customUserData">;
  /** Provider types this build serves: others are reported `supported: false` and cannot be enabled. */
  servedProviderTypes: readonly string[];
  onError?: (error: unknown) => void;
}): Promise<AdminServices> {
  const { config, clock, store, audit } = deps;
  const keys = new OperatorKeys(store, clock, audit);
  const sessions = await AdminSessions.create({
    store,
    clock,
    keys,
    limiter: deps.limiter,
    audit,
    lifetimes: {
      accessTokenLifetimeSeconds: config.sessions.accessTokenLifetimeSeconds,
      refreshTokenLifetimeSeconds: config.admin.refreshTokenLifetimeSeconds,
    },
  });
  const apps = await AdminApps.create(store, deps.apps, config.adminGroupId, clock.now());
  const users = new AdminUsers(store, clock, deps.users, deps.sessions, deps.hasher, audit, deps.hooks);
  const runtime = new RuntimeConfig(
    store,
    clock,
    deps.apps,
    audit,
    config.sessions.refreshTokenLifetimeSeconds,
    new Set(deps.servedProviderTypes),
    1000,
    deps.onError,
  );
  await runtime.load();
  return {
    keys,
    sessions,
    apps,
    users,
    pending: new PendingRegistrations(store, clock, deps.accounts, audit),
    serverKeys: new ServerApiKeys(store, clock, audit),
    runtime,
    logs: new AdminLogs(store),
    logStats: new AdminLogStats(store, clock),
  };
}
