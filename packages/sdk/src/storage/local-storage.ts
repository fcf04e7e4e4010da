/**
 * Browser storage on `window.localStorage`: the default in browsers. Keys live under a prefix
 * (`gatehouse` by default), so they never collide with the page's own keys.
 */
import { ListenedStorage, PrefixedStorage, type StorageChangeListener } from "./storage.js";

/** The prefix {@link LocalStorage} puts before every key by default. */
export const DEFAULT_LOCAL_STORAGE_PREFIX = "gatehouse";

/**
 * A storage on the Web Storage API. Listeners also hear changes made by other tabs (the
 * `storage` event), which is how an OAuth redirect window hands its result back.
 *
 * @example
 * const app = new App({ id: "todo", baseUrl, storage: new LocalStorage() });
 */
export class LocalStorage extends ListenedStorage {
  private readonly store: globalThis.Storage;
  private readonly onStorageEvent = (): void => this.fire();

  /**
   * @param keyPrefix - Prefix of every key (`"gatehouse"`); pass `"realm-web"` to share realm-web's keys.
   * @param store - The Web Storage object (defaults to `globalThis.localStorage`).
   */
  constructor(
    private readonly keyPrefix: string = DEFAULT_LOCAL_STORAGE_PREFIX,
    store?: globalThis.Storage,
  ) {
    super();
    const resolved = store ?? (globalThis as { localStorage?: globalThis.Storage }).localStorage;
    if (!resolved) throw new Error("LocalStorage needs a Web Storage object (globalThis.localStorage)");
    this.store = resolved;
  }

  private key(key: string): string {
    return this.keyPrefix + PrefixedStorage.PART_SEPARATOR + key;
  }

  /** @inheritdoc */
  get(key: string): string | null {
    return this.store.getItem(this.key(key));
  }

  /** @inheritdoc */
  set(key: string, value: string): void {
    this.store.setItem(this.key(key), value);
    this.fire();
  }

  /** @inheritdoc */
  remove(key: string): void {
    this.store.removeItem(this.key(key));
    this.fire();
  }

  /** @inheritdoc */
  clear(prefix = ""): void {
    const full = this.key(prefix);
    const doomed: string[] = [];
    for (let i = 0; i < this.store.length; i++) {
      const key = this.store.key(i);
      if (key !== null && key.startsWith(full)) doomed.push(key);
    }
    for (const key of doomed) this.store.removeItem(key);
    this.fire();
  }

  /** @inheritdoc Also listens to other tabs while anyone listens here. */
  override addListener(listener: StorageChangeListener): void {
    if (this.listeners.size === 0) globalThis.addEventListener?.("storage", this.onStorageEvent);
    super.addListener(listener);
  }

  /** @inheritdoc */
  override removeListener(listener: StorageChangeListener): void {
    super.removeListener(listener);
    if (this.listeners.size === 0) globalThis.removeEventListener?.("storage", this.onStorageEvent);
  }
}
