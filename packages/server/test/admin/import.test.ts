/** `POST /groups/{g}/apps/{a}/users/import`: the user import over the admin API, streamed NDJSON or JSON. */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import bcrypt from "bcryptjs";
import { newObjectId } from "../../src/ids.js";
import { call } from "../helpers/server.js";
import { ndjson, userpassUser as importRecord } from "../migration/fixtures.js";
import { assertError, startAdminServer, type AdminTestServer } from "./helpers.js";

const APP = "todo-gatehouse";
let server: AdminTestServer;
before(async () => {
  server = await startAdminServer();
});
after(() => server.close());

/** Streams `chunks` as the request body (a real chunked upload), with the admin session's token. */
async function upload(chunks: string[], query = "", token: string | null = server.session.access_token, type = "application/x-ndjson") {
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(new TextEncoder().encode(chunk));
      controller.close();
    },
  });
  const response = await fetch(`${server.adminApi}${server.appPath(APP, "/users/import")}${query}`, {
    method: "POST",
    headers: { "content-type": type, ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body,
    duplex: "half",
  } as RequestInit);
  const text = await response.text();
  return { status: response.status, headers: response.headers, text, body: text ? JSON.parse(text) : undefined };
}

describe("admin API: users/import", () => {
  it("imports a streamed NDJSON body in batches, reports bad lines, and the users log in with their passwords", async () => {
    const hash = bcrypt.hashSync("imported-pw", 4);
    const users = Array.from({ length: 30 }, (_, i) => importRecord(`admin-import-${i}@import.test`, { password_hash: hash }));
    const text = ndjson(users);
    const middle = text.indexOf("\n", text.length / 2);
    // Split inside a line, with a bad line between: the reader joins chunks and reports by line.
    const res = await upload([text.slice(0, middle + 5), text.slice(middle + 5), "{oops\n"], "?batch_size=7");
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(
      { ...res.body, issues: res.body.issues.map((i: { where: string; kind: string }) => `${i.where} ${i.kind}`) },
      { read: 31, imported: 30, skipped: 0, conflicts: 0, errors: 1, issues: ["line 31 error"], issues_truncated: false },
    );
    const login = await call(`${server.api}/app/${APP}/auth/providers/local-userpass/login`, {
      body: { username: "admin-import-17@import.test", password: "imported-pw" },
    });
    assert.equal(login.status, 200, login.text);
    assert.equal(login.body.user_id, users[17]!._id);
    const events = await server.listAuditEvents({ clientAppId: APP, type: "users_import" });
    assert.equal(events.length, 5);
    assert.ok(events.every((e) => e.actor === server.key.name && e.result === "ok"));

    // Idempotent over HTTP too.
    const again = await upload([text]);
    assert.deepEqual([again.body.imported, again.body.skipped], [0, 30]);
  });

  it("takes a JSON array of pages, and stops at the first bad record with strict=true", async () => {
    const first = importRecord("json-1@import.test");
    const page = await server.adminCall(server.appPath(APP, "/users/import"), { method: "POST", body: [[first]] });
    assert.equal(page.status, 200, page.text);
    assert.equal(page.body.imported, 1);
    const strict = await upload([ndjson([importRecord("strict-a@import.test"), { _id: newObjectId() }])], "?strict=true");
    assert.equal(strict.status, 200, strict.text);
    assert.equal(strict.body.imported, 0);
    assert.deepEqual(strict.body.stopped, { kind: "error", where: "line 2", reason: "identities must be a non-empty array" });
  });

  it("manages an imported user that kept a foreign id (a Firebase uid) on every user route", async () => {
    const hash = bcrypt.hashSync("foreign-pw", 4);
    const uid = "Fb_uid-7dQx2mK9pLr0";
    const address = "foreign-id@import.test";
    const imported = await upload([ndjson([importRecord(address, { _id: uid, password_hash: hash })])]);
    assert.equal(imported.body.imported, 1, imported.text);
    const users = (path: string, init: { method?: string; body?: unknown } = {}) =>
      server.adminCall(server.appPath(APP, `/users${path}`), init);
    const login = () =>
      call(`${server.api}/app/${APP}/auth/providers/local-userpass/login`, { body: { username: address, password: "foreign-pw" } });

    const got = await users(`/${uid}`);
    assert.equal(got.status, 200, got.text);
    assert.equal(got.body._id, uid);
    assert.equal((await login()).body.user_id, uid);
    assert.equal((await users(`/${uid}/devices`)).status, 200);
    assert.equal((await users(`/${uid}/disable`, { method: "PUT" })).status, 204);
    assertError(await login(), 401, "UserDisabled", "userDisabled");
    assert.equal((await users(`/${uid}/enable`, { method: "PUT" })).status, 204);
    assert.equal((await users(`/${uid}/logout`, { method: "PUT" })).status, 204);
    // The user list pages past it: its id is a valid cursor.
    const after = await users(`?after=${uid}`);
    assert.equal(after.status, 200, after.text);
    assert.ok(after.body.every((u: { _id: string }) => u._id > uid));
    assert.equal((await users(`/${uid}`, { method: "DELETE" })).status, 204);
    assertError(await users(`/${uid}`), 404, "UserNotFound", "userNotFound");
    // What no user id can be is still refused before any lookup.
    assertError(await users("/not.an.id"), 400, "InvalidParameter", "invalidParameter");
    assertError(await users(`/${"x".repeat(65)}`), 400, "InvalidParameter", "invalidParameter");
  });

  it("refuses callers without an admin session before reading the body, bad parameters, and endless lines", async () => {
    assertError(await upload([ndjson([importRecord("anon@import.test")])], "", null), 401, "MissingAuthReq");
    const session = await call(`${server.api}/app/${APP}/auth/providers/anon-user/login`, { body: {} });
    assertError(await upload(["{}\n"], "", session.body.access_token as string), 401, "InvalidSession");
    assertError(await upload(["{}\n"], "?firebase_signer_key=abc"), 400, "InvalidParameter", "invalidParameter");
    assertError(await upload(["{}\n"], "?batch_size=0"), 400, "InvalidParameter");
    const endless = Array.from({ length: 40 }, () => "x".repeat(64 * 1024));
    assertError(await upload(endless), 413, "BadRequest", "importLineTooLong");
  });
});
