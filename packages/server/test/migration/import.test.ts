/** The user import on its own: idempotent re-runs, conflicts, bad lines, --strict, and the CLI. */
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { after, before, describe, test } from "node:test";
import { systemClock } from "../../src/clock.js";
import { newObjectId } from "../../src/ids.js";
import { UserImportService, type ImportIssue, type ImportOptions } from "../../src/migration/import-service.js";
import { readEntries } from "../../src/migration/reader.js";
import { Store } from "../../src/store/store.js";
import { cli, runCli } from "../helpers/cli.js";
import { ndjson, userpassUser } from "./fixtures.js";

const APP = "import-app";
let dir: string;
let store: Store;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), "gatehouse-import-"));
  store = await Store.open(`sqlite:${join(dir, "g.db")}`);
});
after(async () => {
  await store.close();
  await rm(dir, { recursive: true, force: true });
});

async function run(text: string, options: Partial<ImportOptions> = {}) {
  const issues: ImportIssue[] = [];
  const report = await new UserImportService(store, systemClock).run(readEntries(Readable.from([text])), {
    appId: APP,
    onIssue: (i) => issues.push(i),
    ...options,
  });
  return { report, issues, lines: issues.map((i) => `${i.where}: ${i.reason}`) };
}

describe("user import", () => {
  test("keeps ids, identities, data, dates and the disabled flag; unknown App Services fields are ignored", async () => {
    const anon = {
      _id: newObjectId(),
      identities: [{ id: newObjectId(), provider_type: "anon-user", provider_id: "x", provider_data: {} }],
      domain_id: "d",
      type: "normal",
      creation_date: 1600000000,
      last_authentication_date: 1600000500,
      disabled: true,
      data: {},
    };
    const jwt = {
      _id: { $oid: newObjectId() },
      identities: [
        { id: "sub-4711", provider_type: "custom-token", provider_data: { name: "Ada" } },
        { id: "10987654321", provider_type: "oauth2-google", provider_data: { email: "ada@gmail.test" } },
      ],
      data: { name: "Ada", plan: { tier: "gold" } },
      type: "server",
      creation_date: { $date: "2021-03-04T05:06:07Z" },
    };
    const { report } = await run(ndjson([anon, jwt]));
    assert.deepEqual(report, { read: 2, imported: 2, skipped: 0, conflicts: 0, errors: 0 });
    const a = (await store.users.get(APP, anon._id))!;
    assert.equal(a.disabled, true);
    assert.equal(a.createdAt, 1600000000 * 1000);
    assert.equal(a.lastLoginAt, 1600000500 * 1000);
    assert.deepEqual(
      a.identities.map((i) => [i.providerType, i.externalId]),
      [["anon-user", anon.identities[0]!.id]],
    );
    const j = (await store.users.get(APP, jwt._id.$oid))!;
    assert.equal(j.type, "server");
    assert.deepEqual(j.data, { name: "Ada", plan: { tier: "gold" } });
    assert.equal(j.createdAt, Date.parse("2021-03-04T05:06:07Z"));
    // The identity keys are what the next login looks up: the same sub or Google account finds this user.
    assert.equal(await store.users.findIdByIdentity(APP, "custom-token", "sub-4711"), jwt._id.$oid);
    assert.equal(await store.users.findIdByIdentity(APP, "oauth2-google", "10987654321"), jwt._id.$oid);
  });

  test("re-running the same file skips every user already imported", async () => {
    const records = Array.from({ length: 25 }, (_, i) => userpassUser(`rerun-${i}@import.test`));
    const text = ndjson(records);
    assert.equal((await run(text, { batchSize: 10 })).report.imported, 25);
    const again = await run(text, { batchSize: 10 });
    assert.deepEqual(again.report, { read: 25, imported: 0, skipped: 25, conflicts: 0, errors: 0 });
    // Resuming: a file that goes on past what an interrupted run wrote imports only the rest.
    const more = [...records, userpassUser("rerun-new@import.test")];
    assert.deepEqual((await run(ndjson(more))).report, { read: 26, imported: 1, skipped: 25, conflicts: 0, errors: 0 });
  });

  test("conflicts (id, email, identity taken; repeats in the file) and bad lines are reported by line and skipped", async () => {
    const owner = userpassUser("taken@import.test");
    await run(ndjson([owner]));
    const good = userpassUser("good@import.test");
    const lines = [
      JSON.stringify({ ...userpassUser("other@import.test"), _id: owner._id }), // 1: id taken by another user
      JSON.stringify(userpassUser("taken@import.test")), // 2: email taken
      "{not json", // 3
      JSON.stringify({ identities: [] }), // 4: no _id
      JSON.stringify(good), // 5
      JSON.stringify({ ...userpassUser("dup@import.test"), _id: good._id }), // 6: repeats line 5's id
      JSON.stringify(userpassUser("bad-hash@import.test", { password_hash: "md5:abc" })), // 7
      JSON.stringify({ _id: newObjectId(), identities: [{ id: "u", provider_type: "oauth2-github" }] }), // 8
      JSON.stringify({ _id: newObjectId(), identities: owner.identities }), // 9: identity of another user
      "",
    ].join("\n");
    const { report, lines: reported } = await run(lines);
    assert.deepEqual(report, { read: 9, imported: 1, skipped: 0, conflicts: 4, errors: 4 });
    // The JSON parser's own wording differs between Node versions.
    const normalised = reported.map((line) => line.replace(/not JSON \(.*\)$/, "not JSON (...)"));
    assert.deepEqual(
      normalised.sort(),
      [
        `line 1: user id ${owner._id} is taken by another user`,
        "line 2: email taken@import.test is taken by another user",
        "line 3: not JSON (...)",
        "line 4: _id is required (a string or {$oid})",
        "line 6: repeats the id, an identity or the email of line 5",
        "line 7: password_hash: unsupported format (bcrypt, argon2, scrypt, PBKDF2 PHC, Django pbkdf2_sha256)",
        "line 8: identities[0].provider_type 'oauth2-github' is not an App Services provider type",
        `line 9: identity local-userpass '${(owner.identities as { id: string }[])[0]!.id}' belongs to user ${owner._id}`,
      ].sort(),
    );
    assert.ok(await store.users.get(APP, good._id as string));
  });

  test("--strict stops at the first bad record with nothing of its batch written", async () => {
    const first = userpassUser("strict-1@import.test");
    const second = userpassUser("strict-2@import.test");
    const text = ndjson([first, { _id: "not ok!" }, second]);
    const { report } = await run(text, { strict: true });
    assert.equal(report.stopped?.where, "line 2");
    assert.match(report.stopped!.reason, /_id 'not ok!' must be/);
    assert.equal(report.imported, 0);
    assert.equal(await store.users.get(APP, first._id as string), undefined);
    // Earlier batches stay: with batches of one, the first user was committed before line 2.
    const batched = await run(text, { strict: true, batchSize: 1 });
    assert.equal(batched.report.imported, 1);
    assert.ok(await store.users.get(APP, first._id as string));
  });

  test("pages (JSON arrays per line) and a pretty-printed array of pages are read too", async () => {
    const page1 = [userpassUser("page-1@import.test"), userpassUser("page-2@import.test")];
    const page2 = [userpassUser("page-3@import.test")];
    const perLine = await run(`${JSON.stringify(page1)}\n${JSON.stringify(page2)}\n`);
    assert.equal(perLine.report.imported, 3);
    const pretty = [userpassUser("pretty-1@import.test"), { bad: true }];
    const whole = await run(JSON.stringify([pretty], null, 2));
    assert.equal(whole.report.imported, 1);
    assert.deepEqual(whole.lines, ["line 1 item 2: _id is required (a string or {$oid})"]);
  });

  test("the CLI imports a file, prints the counts and the bad lines, and exits 1 when some were not imported", async () => {
    assert.ok(existsSync(cli), "build first (npm test builds)");
    const file = join(dir, "users.ndjson");
    const good = userpassUser("cli@import.test");
    await writeFile(file, ndjson([good, { _id: newObjectId() }]));
    const db = `sqlite:${join(dir, "cli.db")}`;
    const first = runCli(["users", "import", "--db", db, "--app", APP, file]);
    assert.equal(await first.exited, 1);
    assert.match(first.output().stdout, /users: imported 1, skipped 0 \(already imported\), conflicts 0, errors 1/);
    assert.match(first.output().stderr, /^line 2: identities must be a non-empty array$/m);
    assert.match(first.output().stderr, /\[#{30}\] 100% 2 read: imported 1, skipped 0, conflicts 0, errors 1/);
    await writeFile(file, ndjson([good]));
    const data = join(dir, "custom-data.ndjson");
    await writeFile(data, `{"_id":{"$oid":"65f0a1b2c3d4e5f6a7b8c9d2"},"user_id":"${good._id as string}","plan":"pro"}\n`);
    const second = runCli([
      "users",
      "import",
      "--db",
      db,
      "--app",
      APP,
      "--no-progress",
      "--custom-data",
      data,
      "--custom-data-collection",
      "app.users",
      file,
    ]);
    assert.equal(await second.exited, 0);
    assert.match(second.output().stdout, /imported 0, skipped 1/);
    assert.match(second.output().stdout, /custom user data \(app\.users\): imported 1, skipped 0, errors 0/);
    const exported = runCli(["users", "export", "--db", db, "--app", APP]);
    assert.equal(await exported.exited, 0);
    const lines = exported
      .output()
      .stdout.trim()
      .split("\n")
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    assert.deepEqual(
      lines.map((l) => l._id),
      [good._id],
    );
    assert.equal(lines[0]!.password_hash, undefined);
  });
});
