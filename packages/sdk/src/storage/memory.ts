/**
 * In-memory storage: nothing survives the process. The default outside browsers, and handy in tests.
 */
import { PrefixedStorage, type Storage, type StorageChangeListener } from "./storage.js";

/**
 * A {@link Storage} kept in a `Map`.
 *
 * @example
 * const app = new App({ id: "todo", baseUrl, storage: new MemoryStorage() });
 */
export class MemoryStorage implements Storage {
  private readonly entries = new Map<string, string>();
  private readonly listeners = new Set<StorageChangeListener>();

  /** @inheritdoc */
  get(key: string): string | null {
    return this.entries.get(key) ?? null;
  }

  /** @inheritdoc */
  set(key: string, value: string): void {
    this.entries.set(key, value);
    this.fire();
  }

  /** @inheritdoc */
  remove(key: string): void {
    if (this.entries.delete(key)) this.fire();
  }

  /** @inheritdoc */
  prefix(keyPart: string): Storage {
    return new PrefixedStorage(this, keyPart);
  }

  /** @inheritdoc */
  clear(prefix = ""): void {
    for (const key of [...this.entries.keys()]) if (key.startsWith(prefix)) this.entries.delete(key);
    this.fire();
  }

  /** @inheritdoc */
  addListener(listener: StorageChangeListener): void {
    this.listeners.add(listener);
  }

  /** @inheritdoc */
  removeListener(listener: StorageChangeListener): void {
    this.listeners.delete(listener);
  }

  private fire(): void {
    for (const listener of this.listeners) listener();
  }
}
