import { close, fdatasync, openSync } from "node:fs";

/** How {@link WalPresync} reaches the file system; tests pass the real calls wrapped to watch them. */
export interface PresyncFileSystem {
  open(path: string): number;
  sync(fd: number, done: (error: NodeJS.ErrnoException | null) => void): void;
  close(fd: number, done: (error: NodeJS.ErrnoException | null) => void): void;
}

const realFileSystem: PresyncFileSystem = {
  open: (path) => openSync(path, "r"),
  sync: fdatasync,
  close,
};

/**
 * Flushes an SQLite WAL file to disk on libuv's thread pool shortly after commits, so that the
 * checkpoint finds it already on disk.
 *
 * With `synchronous = NORMAL` a commit only writes the WAL; the next checkpoint first fsyncs all of it,
 * inside the commit that crossed `wal_autocheckpoint`, on the event loop. Under the anonymous-login load
 * that WAL grows 16 MB in an eighth of a second, and its fsync held the event loop for 12–13 ms, so every
 * request in flight waited (p99 17–20 ms where it is 9–10 ms without). Synced here first, that fsync
 * takes 0.3–0.7 ms. The checkpoint's other fsync, of the database file, stays in the commit: its pages
 * are written by the checkpoint itself.
 *
 * Durability only gains: every commit is in the WAL either way, and what is synced here early is what the
 * checkpoint would have synced. Nothing runs while the server is idle: a sync is armed by a commit, at
 * most one is in flight, and commits during one are covered by the next.
 */
export class WalPresync {
  private fd: number | undefined;
  private timer: NodeJS.Timeout | undefined;
  private inFlight: Promise<void> | undefined;
  private pending = false;
  private closed = false;

  /**
   * @param walPath the database file's path + `-wal`; SQLite creates it with the first write.
   * @param delayMs how long after a commit the sync starts, so that one sync covers a burst of commits.
   */
  constructor(
    private readonly walPath: string,
    private readonly delayMs = 50,
    private readonly fs: PresyncFileSystem = realFileSystem,
  ) {}

  /** Call after each commit: arms one sync unless one is already armed. */
  noteCommit(): void {
    if (this.closed) return;
    // A sync already running may have started before this commit's frames were written: one more after it.
    if (this.inFlight) {
      this.pending = true;
      return;
    }
    if (this.timer !== undefined) return;
    // Not unref'd: a process that exits right after a commit first flushes it, 50 ms later.
    this.timer = setTimeout(() => this.start(), this.delayMs);
  }

  /** Stops arming syncs and waits for the one in flight; then the file may be closed. */
  async stop(): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.inFlight;
  }

  /** Closes the WAL file. Call after SQLite closed its own connection (see {@link stop}). */
  async close(): Promise<void> {
    await this.stop();
    const fd = this.fd;
    this.fd = undefined;
    if (fd !== undefined) await new Promise<void>((resolve) => this.fs.close(fd, () => resolve()));
  }

  private start(): void {
    this.timer = undefined;
    if (this.closed) return;
    const fd = this.openWal();
    if (fd === undefined) return;
    this.inFlight = new Promise<void>((resolve) =>
      // An error (the disk is failing) is not ours to report: the checkpoint's own fsync will meet it and
      // SQLite returns it to the commit that runs the checkpoint.
      this.fs.sync(fd, () => {
        this.inFlight = undefined;
        resolve();
        if (this.pending) {
          this.pending = false;
          this.noteCommit();
        }
      }),
    );
  }

  private openWal(): number | undefined {
    if (this.fd === undefined) {
      try {
        // Read-only: fdatasync flushes the file whichever descriptor wrote it. SQLite holds no lock on the
        // WAL file itself (its locks live in the -shm file), so this descriptor cannot release one of them.
        this.fd = this.fs.open(this.walPath);
      } catch {
        return undefined;
      }
    }
    return this.fd;
  }
}
