/**
 * The key-value store where an app caches its users (tokens, profile, device id) so the next start needs
 * no login. The interface is realm-web's `Storage`, so a custom storage written for realm-web plugs in
 * unchanged. It is synchronous on purpose: `new App()` restores `currentUser` before it returns.
 */

/** Called after the storage changed (possibly by another tab or process). */
export type StorageChangeListener = () => void;

/**
 * A synchronous string key-value store.
 *
 * @example
 * const app = new App({ id: "todo", storage: new MemoryStorage() });
 */
export interface Storage {
  /** @returns The value stored under `key`, or null. */
  get(key: string): string | null;
  /** Stores `value` under `key`. */
  set(key: string, value: string): void;
  /** Removes `key`. */
  remove(key: string): void;
  /** @returns A view of this storage whose keys are prefixed by `keyPart` and a separator. */
  prefix(keyPart: string): Storage;
  /** Removes every key starting with `prefix` (every key when omitted). */
  clear(prefix?: string): void;
  /** Adds a change listener. */
  addListener(listener: StorageChangeListener): void;
  /** Removes a change listener. */
  removeListener(listener: StorageChangeListener): void;
}

/**
 * A view of a storage under a key prefix (`<keyPart>:<key>`), the same layout realm-web uses.
 *
 * @example
 * new PrefixedStorage(new MemoryStorage(), "app(todo)").set("deviceId", "65f0…") // key "app(todo):deviceId"
 */
export class PrefixedStorage implements Storage {
  /** Separator between key parts, as in realm-web. */
  static readonly PART_SEPARATOR = ":";

  /**
   * @param storage - The underlying storage.
   * @param keyPart - The prefix added to every key.
   */
  constructor(
    private readonly storage: Storage,
    private readonly keyPart: string,
  ) {}

  private key(key: string): string {
    return this.keyPart + PrefixedStorage.PART_SEPARATOR + key;
  }

  /** @inheritdoc */
  get(key: string): string | null {
    return this.storage.get(this.key(key));
  }

  /** @inheritdoc */
  set(key: string, value: string): void {
    this.storage.set(this.key(key), value);
  }

  /** @inheritdoc */
  remove(key: string): void {
    this.storage.remove(this.key(key));
  }

  /** @inheritdoc */
  prefix(keyPart: string): Storage {
    return new PrefixedStorage(this, keyPart);
  }

  /** @inheritdoc */
  clear(prefix = ""): void {
    this.storage.clear(this.key(prefix));
  }

  /** @inheritdoc */
  addListener(listener: StorageChangeListener): void {
    this.storage.addListener(listener);
  }

  /** @inheritdoc */
  removeListener(listener: StorageChangeListener): void {
    // realm-web calls addListener here (a bug); we remove.
    this.storage.removeListener(listener);
  }
}

/**
 * What every concrete storage shares: `prefix` views and the listener set. Subclasses store entries
 * and call `fire()` after each change.
 */
export abstract class ListenedStorage implements Storage {
  protected readonly listeners = new Set<StorageChangeListener>();

  abstract get(key: string): string | null;
  abstract set(key: string, value: string): void;
  abstract remove(key: string): void;
  abstract clear(prefix?: string): void;

  /** @inheritdoc */
  prefix(keyPart: string): Storage {
    return new PrefixedStorage(this, keyPart);
  }

  /** @inheritdoc */
  addListener(listener: StorageChangeListener): void {
    this.listeners.add(listener);
  }

  /** @inheritdoc */
  removeListener(listener: StorageChangeListener): void {
    this.listeners.delete(listener);
  }

  /** Tells every listener that something changed. */
  protected fire(): void {
    for (const listener of this.listeners) listener();
  }
}
