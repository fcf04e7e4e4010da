/**
 * 100,000 users in one import (the million-user figure is `npm run bench:import`): every user lands
 * with its identity and account, and a re-run skips them. Records are built here, one per line,
 * half email/password (with the same real bcrypt hash: validation, not hashing, is what an import costs),
 * half custom JWT.
 */
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { after, before, test } from "node:test";
import bcrypt from "bcryptjs";
import { systemClock } from "../../src/clock.js";
import { UserImportService } from "../../src/migration/import-service.js";
import { readEntries } from "../../src/migration/reader.js";
import { Store } from "../../src/store/store.js";
import { bulkLine } from "./fixtures.js";

const COUNT = 100_000;
let dir: string;
let store: Store;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), "gatehouse-bulk-"));
  store = await Store.open(`sqlite:${join(dir, "bulk.db")}`);
});
after(async () => {
  await store.close();
  await rm(dir, { recursive: true, force: true });
});

function* lines(hash: string, count: number) {
  for (let n = 1; n <= count; n++) yield `${bulkLine(n, hash)}\n`;
}

test(`imports ${COUNT} users in batched transactions; a re-run skips them`, async () => {
  const hash = bcrypt.hashSync("bulk-password", 4);
  const service = new UserImportService(store, systemClock);
  const report = await service.run(readEntries(Readable.from(lines(hash, COUNT))), { appId: "bulk-app" });
  assert.deepEqual(report, { read: COUNT, imported: COUNT, skipped: 0, conflicts: 0, errors: 0 });
  const counted = await store.db
    .selectFrom("identities")
    .select((eb) => eb.fn.countAll().as("n"))
    .where("app_id", "=", "bulk-app")
    .executeTakeFirstOrThrow();
  assert.equal(Number(counted.n), COUNT);
  assert.equal(await store.users.findIdByIdentity("bulk-app", "custom-token", "jwt-sub-77777"), (77777).toString(16).padStart(24, "0"));
  const account = await store.accounts.findByEmailKey("bulk-app", "user50000@bulk.test");
  assert.equal(account?.passwordHash, hash);
  // The start of the same file again (as a resumed run reads it): all there already.
  const again = await service.run(readEntries(Readable.from(lines(hash, 10_000))), { appId: "bulk-app" });
  assert.deepEqual(again, { read: 10_000, imported: 0, skipped: 10_000, conflicts: 0, errors: 0 });
});
