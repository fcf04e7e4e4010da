import { AppRegistry, createAppRuntime } from "./apps/app-runtime.js";
import { AuditLog } from "./audit/audit-log.js";
import { noHooks, type AuthHooks } from "./auth/hooks.js";
import { LoginService } from "./auth/login-service.js";
import { PasswordHasher } from "./auth/password.js";
import { AnonymousProvider } from "./auth/providers/anonymous.js";
import { AccountService } from "./auth/userpass/account-service.js";
import { UserpassLoginProvider } from "./auth/userpass/login-provider.js";
import type { Clock } from "./clock.js";
import type { AppConfig } from "./config/types.js";
import { Mailer } from "./mail/mailer.js";
import { RateLimiter } from "./ratelimit/rate-limiter.js";
import type { ResolvedServerConfig } from "./server-config.js";
import { SessionService } from "./sessions/session-service.js";
import type { Store } from "./store/store.js";
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
  accounts: AccountService;
  users: UserService;
  mailer: Mailer;
  hooks: AuthHooks;
}

/** Wires the services for a set of loaded apps over an open store. */
export async function createServices(input: {
  config: ResolvedServerConfig;
  clock: Clock;
  store: Store;
  apps: AppConfig[];
  hooks?: AuthHooks;
}): Promise<Services> {
  const { config, clock, store } = input;
  const hooks = input.hooks ?? noHooks;
  const apps = new AppRegistry();
  for (const appConfig of input.apps) {
    apps.add(await createAppRuntime(appConfig, config.apps[appConfig.clientAppId] ?? {}, store, clock.now()));
  }
  const audit = new AuditLog(store, clock);
  const hasher = new PasswordHasher(config.passwordHashing);
  const limiter = new RateLimiter(store, clock, config.rateLimits);
  const mailer = new Mailer(config.smtp);
  const sessions = new SessionService(store, apps, clock, config.sessions, hooks, audit);
  const logins = new LoginService(store, clock, sessions, hooks, audit);
  logins.register(new AnonymousProvider());
  logins.register(new UserpassLoginProvider(store, hasher, limiter, clock));
  const accounts = new AccountService(store, clock, hasher, mailer, limiter, audit);
  const users = new UserService(store, clock, hooks, audit);
  return { config, clock, store, apps, audit, sessions, logins, accounts, users, mailer, hooks };
}
