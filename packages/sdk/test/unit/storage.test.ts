import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { LocalStorage, MemoryStorage, PrefixedStorage } from "../../src/index.ts";
import { AppStorage } from "../../src/storage/app-storage.ts";

/** A minimal Web Storage object, standing in for window.localStorage in Node. */
class WebStorage implements Storage {
  private map = new Map<string, string>();
  get length() {
    return this.map.size;
  }
  clear() {
    this.map.clear();
  }
  getItem(key: string) {
    return this.map.get(key) ?? null;
  }
  key(index: number) {
    return [...this.map.keys()][index] ?? null;
  }
  removeItem(key: string) {
    this.map.delete(key);
  }
  setItem(key: string, value: string) {
    this.map.set(key, value);
  }
  [name: string]: unknown;
}

describe("storage", () => {
  it("memory storage: get/set/remove/clear by prefix, listeners", () => {
    const storage = new MemoryStorage();
    let changes = 0;
    const listener = () => changes++;
    storage.addListener(listener);
    storage.set("a:1", "x");
    storage.set("b:1", "y");
    assert.equal(storage.get("a:1"), "x");
    storage.clear("a:");
    assert.equal(storage.get("a:1"), null);
    assert.equal(storage.get("b:1"), "y");
    storage.removeListener(listener);
    storage.remove("b:1");
    assert.equal(changes, 3);
  });

  it("prefixed storage nests with ':' like realm-web and removes listeners it adds", () => {
    const base = new MemoryStorage();
    const nested = new PrefixedStorage(base, "app(x)").prefix("user(1)");
    nested.set("accessToken", "t");
    assert.equal(base.get("app(x):user(1):accessToken"), "t");
    let changes = 0;
    const listener = () => changes++;
    nested.addListener(listener);
    nested.removeListener(listener);
    nested.set("refreshToken", "r");
    assert.equal(changes, 0);
    nested.clear();
    assert.equal(base.get("app(x):user(1):accessToken"), null);
  });

  it("LocalStorage keeps its keys under a prefix and clears only those", () => {
    const web = new WebStorage();
    web.setItem("page-own-key", "keep");
    const storage = new LocalStorage("gatehouse", web);
    storage.prefix("app(x)").set("deviceId", "d");
    assert.equal(web.getItem("gatehouse:app(x):deviceId"), "d");
    storage.clear();
    assert.equal(web.getItem("gatehouse:app(x):deviceId"), null);
    assert.equal(web.getItem("page-own-key"), "keep");
  });

  it("app storage survives corrupt entries and merges user ids of other instances", () => {
    const base = new MemoryStorage();
    const a = new AppStorage(base, "app");
    base.set("app(app):userIds", "{not json");
    assert.deepEqual(a.getUserIds(), []);
    a.setUserIds(["u1"]);
    const b = new AppStorage(base, "app");
    b.setUserIds(["u2"]); // another tab logged in u2
    assert.deepEqual(a.getUserIds(), ["u2", "u1"]);
    a.setUserIds(["u1"], ["u2"]); // u2 removed explicitly
    assert.deepEqual(a.getUserIds(), ["u1"]);
    base.set("app(app):user(u1):profile", "garbage");
    assert.equal(a.user("u1").read().profile, undefined);
  });
});
