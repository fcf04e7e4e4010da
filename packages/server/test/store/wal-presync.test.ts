/**
 * The early WAL flush (store/wal-presync.ts): after commits, an SQLite store fdatasyncs its WAL file on
 * libuv's pool, so that a checkpoint's own fsync inside a commit finds little left to write.
 *
 * The file system calls are the real ones, wrapped so the test sees them and can hold a sync open: a
 * real SQLite file, real descriptors, real fdatasync.
 */
import assert from "node:assert/strict";
import { close, fdatasync, fstatSync, openSync, statSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, it } from "node:test";
import { Store } from "../../src/store/store.js";
import { WalPresync, type PresyncFileSystem } from "../../src/store/wal-presync.js";

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), "gatehouse-wal-presync-"));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** The real calls, recorded in order; `hold` keeps each sync's completion until the test releases it. */
function watchedFileSystem(options: { hold?: boolean } = {}) {
  const events: string[] = [];
  const synced: number[] = [];
  const held: (() => void)[] = [];
  let syncSeen: (fd: number) => void = () => {};
  let nextSync = new Promise<number>((resolve) => (syncSeen = resolve));
  const fs: PresyncFileSystem = {
    open(path) {
      const fd = openSync(path, "r");
      events.push(`open ${path}`);
      return fd;
    },
    sync(fd, done) {
      events.push("sync");
      fdatasync(fd, (error) => {
        const finish = () => {
          events.push("synced");
          synced.push(fd);
          done(error);
        };
        if (options.hold) held.push(finish);
        else finish();
        const seen = syncSeen;
        nextSync = new Promise<number>((resolve) => (syncSeen = resolve));
        seen(fd);
      });
    },
    close(fd, done) {
      events.push("close");
      close(fd, done);
    },
  };
  return {
    fs,
    events,
    synced,
    /** Resolves with the descriptor of the next sync the kernel has finished (held or not). */
    nextSync: () => nextSync,
    release: () => held.splice(0).forEach((finish) => finish()),
  };
}

const user = (i: number) => {
  const id = `u${String(i).padStart(23, "0")}`;
  return [
    { id, appId: "app", type: "normal", disabled: false, data: {}, createdAt: i, sessionsValidSince: i },
    { userId: id, providerType: "anon-user", providerName: "anon-user", externalId: `x${id}`, providerData: {}, createdAt: i },
  ] as const;
};

it("a store on an SQLite file syncs its WAL file after commits, and closes it after the database", async () => {
  const path = join(dir, "store.db");
  const watched = watchedFileSystem();
  const store = await Store.open(`sqlite:${path}`, { walFileSystem: watched.fs });
  try {
    const first = watched.nextSync();
    await store.transaction((tx) => tx.users.create(...user(0)));
    const fd = await first;
    const wal = statSync(`${path}-wal`);
    assert.equal(fstatSync(fd).ino, wal.ino, "the synced descriptor is the WAL file's");
    assert.deepEqual(watched.events.slice(0, 2), [`open ${path}-wal`, "sync"]);

    // A burst of grouped commits arms one more sync, not one each.
    const second = watched.nextSync();
    await Promise.all(Array.from({ length: 50 }, (_, i) => store.grouped((tx) => tx.users.create(...user(i + 1)))));
    await second;
    assert.ok(watched.synced.length <= 3, `${watched.synced.length} syncs for two bursts`);

    // A write outside any transaction (the audit log's single-statement batches) arms one too.
    const third = watched.nextSync();
    const syncsBefore = watched.synced.length;
    await store.audit.appendMany([{ appId: "app", at: 1, type: "refresh", result: "ok" }]);
    await third;
    assert.ok(watched.synced.length > syncsBefore);
    assert.equal(watched.events.filter((e) => e.startsWith("open")).length, 1, "the WAL file is opened once");
  } finally {
    await store.close();
  }
  assert.equal(watched.events.at(-1), "close");
  const reopened = await Store.open(`sqlite:${path}`);
  try {
    assert.equal((await reopened.users.get("app", user(50)[0].id))?.identities.length, 1);
  } finally {
    await reopened.close();
  }
});

it("an in-memory store has no WAL file to sync", async () => {
  const watched = watchedFileSystem();
  const store = await Store.open("sqlite::memory:", { walFileSystem: watched.fs });
  try {
    await store.transaction((tx) => tx.users.create(...user(0)));
  } finally {
    await store.close();
  }
  assert.deepEqual(watched.events, []);
});

it("a commit during a sync is covered by another sync after it, and stop waits for the one in flight", async () => {
  const walPath = join(dir, "held.db-wal");
  close(openSync(walPath, "w"), () => {});
  const watched = watchedFileSystem({ hold: true });
  const presync = new WalPresync(walPath, 1, watched.fs);
  presync.noteCommit();
  await watched.nextSync();
  // The first sync has finished in the kernel but not been reported: a commit now is not covered by it.
  const again = watched.nextSync();
  presync.noteCommit();
  assert.deepEqual(watched.events, [`open ${walPath}`, "sync"], "no second sync while the first is in flight");
  watched.release();
  await again;
  assert.deepEqual(watched.events, [`open ${walPath}`, "sync", "synced", "sync"]);

  let stopped = false;
  const stopping = presync.stop().then(() => (stopped = true));
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(stopped, false, "stop returned while a sync was in flight");
  watched.release();
  await stopping;
  presync.noteCommit();
  await presync.close();
  assert.deepEqual(watched.events, [`open ${walPath}`, "sync", "synced", "sync", "synced", "close"]);
});

it("no WAL file yet: nothing is synced, and the next commit tries again", async () => {
  const walPath = join(dir, "later.db-wal");
  const watched = watchedFileSystem();
  const presync = new WalPresync(walPath, 1, watched.fs);
  const opened = new Promise<void>((resolve) => {
    const open = watched.fs.open;
    watched.fs.open = (path) => {
      try {
        return open(path);
      } finally {
        resolve();
      }
    };
  });
  presync.noteCommit();
  await opened;
  assert.deepEqual(watched.events, [], "no descriptor, no sync");
  close(openSync(walPath, "w"), () => {});
  const synced = watched.nextSync();
  presync.noteCommit();
  await synced;
  await presync.close();
  assert.deepEqual(watched.events, [`open ${walPath}`, "sync", "synced", "close"]);
});
