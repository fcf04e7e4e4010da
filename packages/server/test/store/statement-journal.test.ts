/**
 * A write transaction keeps SQLite's statement journal in memory (store/connect.ts, `temp_store`). With
 * foreign keys on, every insert of a child row inside a transaction journals the pages it changes so that
 * the statement alone can be undone; past 64 KiB SQLite spills that journal to a temporary file, and a
 * group-commit batch of logins wrote as much there as to the WAL (~23 KB and 11 write calls per login).
 *
 * SQLite creates its temporary files in `SQLITE_TMPDIR` (read once, when the driver loads) and unlinks
 * them at once, so the test watches that directory for files appearing rather than listing it.
 */
import assert from "node:assert/strict";
import { watch } from "node:fs";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, it } from "node:test";
// A type-only import: erased, so it does not load the driver before SQLITE_TMPDIR is set below.
import type { Store as StoreType } from "../../src/store/store.js";

const dir = await mkdtemp(join(tmpdir(), "gatehouse-stmt-journal-"));
const sqliteTemp = join(dir, "sqlite-tmp");
await mkdir(sqliteTemp);
process.env.SQLITE_TMPDIR = sqliteTemp;
// Loaded only now, so that SQLite reads the directory set above.
const { Store } = await import("../../src/store/store.js");

let store: StoreType;
before(async () => {
  store = await Store.open(`sqlite:${join(dir, "g.db")}`);
});
after(async () => {
  await store.close();
  await rm(dir, { recursive: true, force: true });
});

it("a transaction of many users and identities writes no temporary file", async () => {
  const created: string[] = [];
  let sentinelSeen: () => void = () => {};
  const sentinel = new Promise<void>((resolve) => (sentinelSeen = resolve));
  const watcher = watch(sqliteTemp, (_event, name) => (name === "sentinel" ? sentinelSeen() : created.push(String(name))));
  try {
    await store.transaction(async (tx) => {
      for (let i = 0; i < 400; i++) {
        const id = `u${String(i).padStart(23, "0")}`;
        await tx.users.create(
          { id, appId: "app", type: "normal", disabled: false, data: {}, createdAt: i, sessionsValidSince: i },
          { userId: id, providerType: "anon-user", providerName: "anon-user", externalId: `x${id}`, providerData: {}, createdAt: i },
        );
      }
    });
    // The directory's events arrive in order: once our own file's is seen, any of SQLite's before it was.
    await writeFile(join(sqliteTemp, "sentinel"), "");
    await sentinel;
  } finally {
    watcher.close();
  }
  assert.deepEqual(created, [], "SQLite created temporary files");
  assert.equal((await store.users.get("app", `u${String(399).padStart(23, "0")}`))?.identities.length, 1);
});
