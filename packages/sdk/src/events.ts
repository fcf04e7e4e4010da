/**
 * Change events of users and apps. realm-web declares `addListener` but throws "Not yet implemented";
 * here listeners work and receive an event saying what happened (and, for a logout, why). A callback
 * written for realm-web's `() => void` signature still fits.
 */

/** Why a user stopped being logged in. */
export type LogoutReason =
  /** `user.logOut()` or `app.removeUser()` was called. */
  | "logOut"
  /** The refresh token reached its expiry; the user has to log in again. */
  | "refreshTokenExpired"
  /**
   * The server refused the session before its expiry: revoked by an administrator, the user was
   * disabled or deleted, or the session was logged out elsewhere.
   */
  | "sessionRevoked"
  /** The user was deleted with `app.deleteUser()`. */
  | "userDeleted";

/** Something that happened to one user. */
export type UserChangeEvent =
  | { type: "accessTokenRefreshed" }
  | { type: "profileRefreshed" }
  | { type: "customDataRefreshed" }
  | { type: "linked" }
  | {
      type: "loggedOut";
      /** Why the user is no longer logged in. */
      reason: LogoutReason;
      /** The server error behind `refreshTokenExpired` / `sessionRevoked`. */
      error?: Error;
    }
  | { type: "removed" };

/** Called when a user changes. */
export type UserChangeCallback = (event: UserChangeEvent) => void;

/** Something that happened in an app; `user` is the user concerned. */
export type AppChangeEvent<U> =
  | { type: "loggedIn"; user: U }
  | { type: "switchedUser"; user: U }
  | { type: "removedUser"; user: U }
  | { type: "deletedUser"; user: U }
  /** Any {@link UserChangeEvent} of one of the app's users, forwarded. */
  | { type: "userChanged"; user: U; event: UserChangeEvent };

/** Called when an app changes. */
export type AppChangeCallback<U = unknown> = (event: AppChangeEvent<U>) => void;

/** A set of listeners; one failing listener neither breaks the SDK nor silences the others. */
export class Listeners<E> {
  private readonly callbacks = new Set<(event: E) => void>();

  /** Adds a listener (adding the same function twice keeps one). */
  add(callback: (event: E) => void): void {
    this.callbacks.add(callback);
  }

  /** Removes a listener. */
  remove(callback: (event: E) => void): void {
    this.callbacks.delete(callback);
  }

  /** Removes every listener. */
  clear(): void {
    this.callbacks.clear();
  }

  /** Calls every listener with `event`. */
  emit(event: E): void {
    for (const callback of [...this.callbacks]) {
      try {
        callback(event);
      } catch (err) {
        // A listener's bug is the app's to see, but must not fail the SDK operation that emitted.
        const report = (globalThis as { reportError?: (e: unknown) => void }).reportError;
        if (report) report(err);
        else console.error("Gatehouse listener failed:", err);
      }
    }
  }
}
