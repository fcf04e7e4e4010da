import type { AppRegistry } from "../apps/app-runtime.js";
import type { AuditLog } from "../audit/audit-log.js";
import type { AccountService } from "../auth/userpass/account-service.js";
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
import { OperatorKeys } from "./operator-keys.js";
import { PendingRegistrations } from "./pending-registrations.js";
import { RuntimeConfig } from "./runtime-config.js";
import { ServerApiKeys } from "./server-api-keys.js";

export { ADMIN_SCOPE, OperatorKeys, type CreatedOperatorKey, type OperatorKeyView } from "./operator-keys.js";
export { AdminApps, type AdminAppView } from "./admin-apps.js";
export { AdminSessions, ADMIN_AUDIENCE, type Operator, type AdminLoginResponse } from "./admin-sessions.js";
export { AdminUsers, PAGE_SIZE, checkId, type UserSearchInput, type AdminDeviceView, type VerifiedTokenView } from "./admin-users.js";
export { toAdminUser, type AdminUserView } from "./user-view.js";
export { PendingRegistrations, type PendingUserView } from "./pending-registrations.js";
export { ServerApiKeys, MAX_SERVER_KEYS, type ServerApiKeyView } from "./server-api-keys.js";
export { RuntimeConfig, type AuthProviderView } from "./runtime-config.js";
export { AdminLogs, LOG_PAGE_SIZE, type AuditEventView, type AuditLogInput } from "./admin-logs.js";

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
  const users = new AdminUsers(store, clock, deps.users, deps.sessions, deps.hasher, audit);
  const runtime = new RuntimeConfig(store, clock, deps.apps, audit, config.sessions.refreshTokenLifetimeSeconds, 1000, deps.onError);
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
  };
}
