/**
 * In-memory storage: nothing survives the process. The default outside browsers, and handy in tests.
 */
import { ListenedStorage } from "./storage.js";

/**
 * A storage kept in a `Map`.
 *
 * @example
 * const app = new App({ id: "todo", baseUrl, storage: new MemoryStorage() });
 */
export class MemoryStorage extends ListenedStorage {
  private readonly entries = new Map<string, string>();

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
  clear(prefix = ""): void {
    for (const key of [...this.entries.keys()]) if (key.startsWith(prefix)) this.entries.delete(key);
    this.fire();
  }
}
