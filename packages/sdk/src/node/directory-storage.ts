/**
 * Node storage in a directory: one JSON file per app id (`app-<id>.json`), so a CLI or server-side
 * process stays logged in across restarts.
 * - Files are written atomically (temporary file, fsync, rename): a crash never leaves a torn file.
 * - Files are created with mode 0600 and the directory with 0700: they hold refresh tokens.
 * - Every read goes to the file, so another process (or a second `App`) sees the latest state.
 */
import { randomBytes } from "node:crypto";
import { closeSync, fsyncSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, openSync, writeSync } from "node:fs";
import { join } from "node:path";
import { ListenedStorage } from "../storage/storage.js";

const APP_KEY = /^app\((.*?)\):/;
const SHARED_FILE = "shared.json";

/**
 * A storage in a directory. Listeners hear changes made through this instance.
 *
 * @example
 * import { App } from "@gatehouse/sdk";
 * import { DirectoryStorage } from "@gatehouse/sdk/node";
 * const app = new App({ id: "todo-gatehouse", baseUrl, storage: new DirectoryStorage(".gatehouse") });
 * // next start: app.currentUser is restored from .gatehouse/app-todo-gatehouse.json
 */
export class DirectoryStorage extends ListenedStorage {
  /**
   * @param directory - Where the files go; created (mode 0700) if missing.
   */
  constructor(readonly directory: string) {
    super();
    mkdirSync(directory, { recursive: true, mode: 0o700 });
  }

  /** @returns The file that holds `key`: the app's file for `app(<id>):…` keys, else `shared.json`. */
  fileFor(key: string): string {
    const appId = APP_KEY.exec(key)?.[1];
    return join(this.directory, appId === undefined ? SHARED_FILE : `app-${encodeURIComponent(appId)}.json`);
  }

  /** @inheritdoc */
  get(key: string): string | null {
    return readEntries(this.fileFor(key))[key] ?? null;
  }

  /** @inheritdoc */
  set(key: string, value: string): void {
    const file = this.fileFor(key);
    const entries = readEntries(file);
    if (entries[key] === value) return;
    entries[key] = value;
    writeAtomically(file, entries);
    this.fire();
  }

  /** @inheritdoc */
  remove(key: string): void {
    const file = this.fileFor(key);
    const entries = readEntries(file);
    if (!(key in entries)) return;
    delete entries[key];
    writeAtomically(file, entries);
    this.fire();
  }

  /** @inheritdoc */
  clear(prefix = ""): void {
    // A prefix naming one app touches only that app's file.
    const files = APP_KEY.test(prefix)
      ? [this.fileFor(prefix)]
      : readdirSync(this.directory)
          .filter((name) => name.endsWith(".json"))
          .map((name) => join(this.directory, name));
    for (const file of files) {
      const entries = readEntries(file);
      const kept = Object.fromEntries(Object.entries(entries).filter(([key]) => !key.startsWith(prefix)));
      if (Object.keys(kept).length === Object.keys(entries).length) continue;
      if (Object.keys(kept).length === 0) rmSync(file, { force: true });
      else writeAtomically(file, kept);
    }
    this.fire();
  }
}

/** Reads a file of entries; a missing or damaged file reads as empty (the next write replaces it). */
function readEntries(file: string): Record<string, string> {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return {};
    throw err;
  }
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) return {};
    return Object.fromEntries(Object.entries(parsed).filter((entry): entry is [string, string] => typeof entry[1] === "string"));
  } catch {
    return {};
  }
}

/** Writes a file so that readers see either the old or the new content, never a mix. */
function writeAtomically(file: string, entries: Record<string, string>): void {
  const temp = `${file}.${process.pid}.${randomBytes(6).toString("hex")}.tmp`;
  // "wx": never follow or reuse an existing path; 0600: only the owner may read the tokens.
  const fd = openSync(temp, "wx", 0o600);
  try {
    writeSync(fd, JSON.stringify(entries, null, 2));
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  try {
    renameSync(temp, file);
  } catch (err) {
    rmSync(temp, { force: true });
    throw err;
  }
}
