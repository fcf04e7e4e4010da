import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, it } from "node:test";
import { DirectoryStorage } from "../../src/node/index.ts";

describe("DirectoryStorage", () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), "gatehouse-dirstore-"));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it("creates the directory 0700 and writes one 0600 file per app id", () => {
    const dir = join(root, "nested", "cache");
    const storage = new DirectoryStorage(dir);
    storage.prefix("app(todo)").set("userIds", '["u1"]');
    storage.prefix("app(other)").set("userIds", '["u2"]');
    assert.equal(statSync(dir).mode & 0o777, 0o700);
    assert.deepEqual(readdirSync(dir).sort(), ["app-other.json", "app-todo.json"]);
    for (const file of readdirSync(dir)) assert.equal(statSync(join(dir, file)).mode & 0o777, 0o600, file);
    assert.deepEqual(JSON.parse(readFileSync(join(dir, "app-todo.json"), "utf8")), { "app(todo):userIds": '["u1"]' });
  });

  it("leaves no temporary files behind and never a torn file", () => {
    const storage = new DirectoryStorage(root);
    const app = storage.prefix("app(todo)");
    for (let i = 0; i < 50; i++) app.set(`k${i}`, "x".repeat(1000));
    assert.deepEqual(readdirSync(root), ["app-todo.json"]);
    assert.equal(Object.keys(JSON.parse(readFileSync(join(root, "app-todo.json"), "utf8"))).length, 50);
  });

  it("lets a second instance (another process, a restart) see the latest writes", () => {
    const first = new DirectoryStorage(root);
    const second = new DirectoryStorage(root);
    first.set("app(a):x", "1");
    assert.equal(second.get("app(a):x"), "1");
    second.set("app(a):x", "2");
    assert.equal(first.get("app(a):x"), "2");
    first.remove("app(a):x");
    assert.equal(second.get("app(a):x"), null);
  });

  it("clears by prefix and deletes files that become empty", () => {
    const storage = new DirectoryStorage(root);
    storage.set("app(a):user(1):accessToken", "t");
    storage.set("app(a):deviceId", "d");
    storage.set("app(b):deviceId", "d");
    storage.clear("app(a):user(1)");
    assert.equal(storage.get("app(a):user(1):accessToken"), null);
    assert.equal(storage.get("app(a):deviceId"), "d");
    storage.clear("app(a):");
    assert.deepEqual(readdirSync(root), ["app-b.json"]);
    storage.clear();
    assert.deepEqual(readdirSync(root), []);
  });

  it("reads a damaged file as empty and replaces it on the next write", () => {
    writeFileSync(join(root, "app-a.json"), "{ truncated");
    const storage = new DirectoryStorage(root);
    assert.equal(storage.get("app(a):deviceId"), null);
    storage.set("app(a):deviceId", "d");
    assert.equal(storage.get("app(a):deviceId"), "d");
  });

  it("cannot be steered out of its directory by an app id", () => {
    const storage = new DirectoryStorage(join(root, "cache"));
    storage.set("app(../../evil):x", "1");
    storage.set("app(a/b):x", "1");
    assert.deepEqual(readdirSync(root), ["cache"]);
    assert.ok(storage.fileFor("app(../../evil):x").startsWith(join(root, "cache") + "/"));
  });

  it("keeps keys outside any app in shared.json", () => {
    const storage = new DirectoryStorage(root);
    storage.set("oauth2:state(x):result", "{}");
    assert.deepEqual(readdirSync(root), ["shared.json"]);
  });
});
