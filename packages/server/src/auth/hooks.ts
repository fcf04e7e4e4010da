import type { AppRuntime } from "../apps/app-runtime.js";
import type { UserDataSource } from "../sessions/session-service.js";
import type { UserRecord } from "../store/records.js";
import type { UserDeletionHook } from "../users/user-service.js";

/**
 * Extension points of the login flow, filled by the functions module (custom user data, the
 * on-creation function, authentication triggers). The defaults do nothing.
 */
export interface AuthHooks extends UserDataSource, UserDeletionHook {
  /** The custom user data document embedded as `user_data` in each access token, if any. */
  customUserData(app: AppRuntime, userId: string): Promise<Record<string, unknown> | undefined>;
  /** Runs after a user is created and before its first token is issued. */
  userCreated(app: AppRuntime, user: UserRecord, providerType: string): Promise<void>;
  /** Runs after each successful login. */
  userLoggedIn(app: AppRuntime, user: UserRecord, providerType: string): Promise<void>;
  /** Runs after a user is deleted. */
  userDeleted(app: AppRuntime, user: UserRecord): Promise<void>;
}
