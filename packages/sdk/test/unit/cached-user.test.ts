/**
 * What a user restored from the cache exposes without any request: custom data decoded from the
 * access token's `user_data` claim (EJSON), device id, listeners — and how damaged caches are handled.
 * No server here: a fetch that fails the test proves nothing is sent.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Decimal128, Long, ObjectId } from "bson";
import { App, MemoryStorage, UserState } from "../../src/index.ts";
import { fakeJwt } from "../helpers/jwt.ts";

const USER = "65f000000000000000000001";
const DEVICE = "65f0000000000000000000d1";
const noNetwork = async (url: string): Promise<Response> => assert.fail(`unexpected request to ${url}`);

function cachedApp(claims: Record<string, unknown>, extra: Record<string, string> = {}) {
  const storage = new MemoryStorage();
  const prefix = `app(todo):user(${USER}):`;
  storage.set("app(todo):userIds", JSON.stringify([USER]));
  storage.set(prefix + "accessToken", fakeJwt({ sub: USER, iat: 1, exp: 4_000_000_000, ...claims }));
  storage.set(prefix + "refreshToken", fakeJwt({ sub: USER, iat: 1, exp: 4_000_000_000, typ: "refresh" }));
  storage.set(prefix + "providerType", "local-userpass");
  for (const [key, value] of Object.entries(extra)) storage.set(key, value);
  return new App({ id: "todo", baseUrl: "http://127.0.0.1:9", storage, fetch: noNetwork });
}

describe("a user restored from the cache", () => {
  it("decodes custom data from canonical EJSON in the access token", () => {
    const oid = new ObjectId();
    const user = cachedApp({
      user_data: {
        _id: { $oid: oid.toHexString() },
        name: "Ada",
        age: { $numberInt: "36" },
        balance: { $numberDecimal: "10.50" },
        since: { $date: { $numberLong: "86400000" } },
        big: { $numberLong: "9007199254740993" },
        tags: ["a", { $numberDouble: "1.5" }],
      },
    }).currentUser!;
    const data = user.customData as Record<string, unknown>;
    assert.ok((data["_id"] as ObjectId).equals(oid));
    assert.equal(data["name"], "Ada");
    assert.equal(data["age"], 36);
    assert.equal((data["balance"] as Decimal128).toString(), "10.50");
    assert.deepEqual(data["since"], new Date(86_400_000));
    assert.equal((data["big"] as Long).toString(), "9007199254740993");
    assert.deepEqual(data["tags"], ["a", 1.5]);
    assert.equal(user.customData, data, "decoded once per token");
  });

  it("decodes relaxed / plain JSON custom data too, and is {} without a claim", () => {
    assert.deepEqual(cachedApp({ user_data: { n: 1, s: "x" } }).currentUser!.customData, { n: 1, s: "x" });
    assert.deepEqual(cachedApp({}).currentUser!.customData, {});
  });

  it("keeps BSON number types with numberDecoding: 'bson'", () => {
    const storage = new MemoryStorage();
    const prefix = `app(todo):user(${USER}):`;
    storage.set("app(todo):userIds", JSON.stringify([USER]));
    storage.set(prefix + "accessToken", fakeJwt({ iat: 1, exp: 4_000_000_000, user_data: { n: { $numberLong: "1" } } }));
    storage.set(prefix + "refreshToken", "opaque");
    storage.set(prefix + "providerType", "anon-user");
    const app = new App({ id: "todo", baseUrl: "http://127.0.0.1:9", storage, fetch: noNetwork, numberDecoding: "bson" });
    assert.ok((app.currentUser!.customData as { n: unknown }).n instanceof Long);
  });

  it("reads the device id from the token, else from the app cache", () => {
    assert.equal(cachedApp({ baas_device_id: DEVICE }).currentUser!.deviceId, DEVICE);
    const fromCache = cachedApp({ baas_device_id: "000000000000000000000000" }, { "app(todo):deviceId": DEVICE });
    assert.equal(fromCache.currentUser!.deviceId, DEVICE);
    assert.equal(cachedApp({}).currentUser!.deviceId, null);
  });

  it("skips a damaged user entry instead of wiping the cache", () => {
    const storage = new MemoryStorage();
    storage.set("app(todo):userIds", JSON.stringify(["broken", USER]));
    storage.set(`app(todo):user(${USER}):refreshToken`, "r");
    storage.set(`app(todo):user(${USER}):providerType`, "anon-user");
    const app = new App({ id: "todo", baseUrl: "http://127.0.0.1:9", storage, fetch: noNetwork });
    assert.deepEqual(Object.keys(app.allUsers), [USER]);
    assert.equal(app.currentUser?.state, UserState.Active);
    assert.deepEqual(app.currentUser?.customData, {}, "no access token: {}");
  });

  it("a listener that throws neither breaks the SDK nor silences other listeners", async () => {
    const app = cachedApp({});
    const user = app.currentUser!;
    const heard: string[] = [];
    const reported: unknown[] = [];
    const original = console.error;
    console.error = (...args: unknown[]) => reported.push(args);
    try {
      user.addListener(() => {
        throw new Error("listener bug");
      });
      user.addListener((e) => heard.push(e.type));
      await user.logOut().catch(() => {}); // the request fails (no network); the local logout happens
    } finally {
      console.error = original;
    }
    assert.equal(user.state, UserState.LoggedOut);
    assert.deepEqual(heard, ["loggedOut"]);
    assert.equal(reported.length, 1);
  });

  it("the functions proxy is not mistaken for a promise or probed into requests", () => {
    const user = cachedApp({}).currentUser!;
    assert.equal((user.functions as unknown as { then?: unknown }).then, undefined);
    assert.equal(typeof user.functions.callFunction, "function");
    assert.equal(typeof user.functions["anyName"], "function");
    assert.equal(typeof user.functions.toString(), "string", "Object.prototype members are not remote calls");
  });
});
