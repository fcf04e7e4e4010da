/**
 * Picks the default storage: `localStorage` when the runtime has a usable one (browsers), else memory.
 * Deliberately no Node import here — the directory storage is opt-in from `@gatehouse/sdk/node`.
 */
import { LocalStorage } from "./local-storage.js";
import { MemoryStorage } from "./memory.js";
import type { Storage } from "./storage.js";

/** @returns The default {@link Storage} for this runtime. */
export function defaultStorage(): Storage {
  try {
    const store = (globalThis as { localStorage?: globalThis.Storage }).localStorage;
    if (store) {
      // Accessing storage can throw (privacy modes, sandboxed iframes); probe before trusting it.
      store.getItem("gatehouse:probe");
      return new LocalStorage();
    }
  } catch {
    // fall through to memory
  }
  return new MemoryStorage();
}
