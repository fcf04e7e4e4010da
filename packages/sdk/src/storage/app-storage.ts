/**
 * The cache layout of one app inside a {@link Storage}: realm-web's keys, so the shapes stay familiar
 * (`app(<id>):userIds`, `app(<id>):user(<userId>):accessToken`, ...), plus `clockOffset`.
 */
import * as ejson from "../ejson.js";
import type { ProfileSnapshot } from "../user-profile.js";
import type { Storage } from "./storage.js";

const USER_IDS = "userIds";
const DEVICE_ID = "deviceId";
const CLOCK_OFFSET = "clockOffset";

/** Everything cached about one user. */
export interface CachedUser {
  /** Access token, null when logged out. */
  accessToken: string | null;
  /** Refresh token, null when logged out. */
  refreshToken: string | null;
  /** Provider type of the login that created the user on this device. */
  providerType: string | null;
  /** Last fetched profile. */
  profile: ProfileSnapshot | undefined;
}

/** Typed access to one user's cached entries. */
export class UserStorage {
  /**
   * @param storage - The user's prefixed storage (`app(<id>):user(<userId>)`).
   */
  constructor(private readonly storage: Storage) {}

  /** @returns What is cached for the user. A corrupt profile entry reads as absent. */
  read(): CachedUser {
    return {
      accessToken: this.storage.get("accessToken"),
      refreshToken: this.storage.get("refreshToken"),
      providerType: this.storage.get("providerType"),
      profile: this.readProfile(),
    };
  }

  private readProfile(): ProfileSnapshot | undefined {
    const text = this.storage.get("profile");
    if (!text) return undefined;
    try {
      return ejson.parse(text) as ProfileSnapshot;
    } catch {
      return undefined;
    }
  }

  /** Stores or removes (null) the tokens. */
  writeTokens(accessToken: string | null, refreshToken: string | null): void {
    this.put("accessToken", accessToken);
    this.put("refreshToken", refreshToken);
  }

  /** Stores or removes (null) the access token alone (after a refresh). */
  writeAccessToken(accessToken: string | null): void {
    this.put("accessToken", accessToken);
  }

  /** Stores or removes (null) the refresh token alone (set by the application). */
  writeRefreshToken(refreshToken: string | null): void {
    this.put("refreshToken", refreshToken);
  }

  /** Stores the provider type. */
  writeProviderType(providerType: string): void {
    this.storage.set("providerType", providerType);
  }

  /** Stores the profile as EJSON, so BSON values in profile data survive. */
  writeProfile(profile: ProfileSnapshot): void {
    this.storage.set("profile", ejson.stringify(profile));
  }

  /** Removes everything cached about the user. */
  clear(): void {
    this.storage.clear();
  }

  private put(key: string, value: string | null): void {
    if (value === null) this.storage.remove(key);
    else this.storage.set(key, value);
  }
}

/**
 * Typed access to one app's cache.
 *
 * @example
 * const cache = new AppStorage(new MemoryStorage(), "todo");
 * cache.getUserIds() // []
 */
export class AppStorage {
  private readonly storage: Storage;

  /**
   * @param base - The storage shared by all apps.
   * @param appId - The client app id.
   */
  constructor(base: Storage, appId: string) {
    this.storage = base.prefix(`app(${appId})`);
  }

  /** @returns The cached user ids, most recent first; a corrupt entry reads as empty. */
  getUserIds(): string[] {
    const text = this.storage.get(USER_IDS);
    if (!text) return [];
    try {
      const ids: unknown = JSON.parse(text);
      return Array.isArray(ids) ? [...new Set(ids.filter((id): id is string => typeof id === "string"))] : [];
    } catch {
      return [];
    }
  }

  /**
   * Stores the user ids. Ids stored by another `App` over the same storage (another tab or process) that
   * this one does not know are kept at the end, so two instances do not erase each other's users.
   *
   * @param ids - This instance's users, most recent first.
   * @param removed - Ids to drop even if another instance stored them.
   */
  setUserIds(ids: readonly string[], removed: readonly string[] = []): void {
    const merged = [...ids];
    for (const id of this.getUserIds()) if (!merged.includes(id) && !removed.includes(id)) merged.push(id);
    this.storage.set(USER_IDS, JSON.stringify(merged));
  }

  /** @returns The device id the server assigned, or null. */
  getDeviceId(): string | null {
    return this.storage.get(DEVICE_ID);
  }

  /** Stores the device id. */
  setDeviceId(deviceId: string): void {
    this.storage.set(DEVICE_ID, deviceId);
  }

  /** @returns The last measured offset (server clock minus local clock, ms), or 0. */
  getClockOffset(): number {
    const value = Number(this.storage.get(CLOCK_OFFSET));
    return Number.isFinite(value) ? value : 0;
  }

  /** Stores the server clock offset. */
  setClockOffset(offsetMs: number): void {
    this.storage.set(CLOCK_OFFSET, String(Math.round(offsetMs)));
  }

  /** @returns Typed access to one user's entries. */
  user(userId: string): UserStorage {
    return new UserStorage(this.storage.prefix(`user(${userId})`));
  }
}
