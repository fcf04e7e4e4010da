import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { App, ClientError, ClientErrorCode, Credentials, MemoryStorage, handleAuthRedirect } from "../../src/index.ts";

describe("Credentials", () => {
  it("builds realm-web's payloads", () => {
    assert.deepEqual(Credentials.emailPassword("a@b.c", "pw").payload, { username: "a@b.c", password: "pw" });
    assert.deepEqual(Credentials.apiKey("k").payload, { key: "k" });
    assert.deepEqual(Credentials.jwt("t").payload, { token: "t" });
    assert.deepEqual(Credentials.function({ x: 1 }).payload, { x: 1 });
    assert.deepEqual(Credentials.google({ idToken: "i" }).payload, { id_token: "i" });
    assert.deepEqual(Credentials.google({ authCode: "c" }).payload, { authCode: "c" });
    assert.deepEqual(Credentials.facebook("fb").payload, { accessToken: "fb" });
    assert.deepEqual(Credentials.facebook("https://x/cb").payload, { redirectUrl: "https://x/cb" });
    assert.deepEqual(Credentials.apple("idt").payload, { id_token: "idt" });
    assert.deepEqual(Credentials.apple("https://x/cb").payload, { redirectUrl: "https://x/cb" });
  });

  it("names providers by type, and reuses anonymous users by default", () => {
    const anon = Credentials.anonymous();
    assert.equal(anon.providerName, "anon-user");
    assert.equal(anon.providerType, "anon-user");
    assert.equal(anon.reuse, true);
    assert.equal(Credentials.anonymous(false).reuse, false);
    assert.equal(Credentials.emailPassword("a", "b").reuse, false);
    assert.equal(Credentials.google({ idToken: "x" }).providerType, "oauth2-google");
    assert.equal(App.Credentials, Credentials);
  });

  it("rejects ambiguous Google payloads", () => {
    assert.throws(() => Credentials.google({ idToken: "a", authCode: "b" } as never), ClientError);
    assert.throws(() => Credentials.google({ other: "x" } as never), ClientError);
  });

  it("needs a window for the OAuth 2.0 redirect flow outside browsers, and a result for handleAuthRedirect", async () => {
    const app = new App({
      id: "todo",
      baseUrl: "http://127.0.0.1:9",
      storage: new MemoryStorage(),
      fetch: async (url) => assert.fail(`unexpected request to ${url}`),
    });
    await assert.rejects(app.logIn(Credentials.google({ redirectUrl: "https://app.example.com/cb" })), {
      errorCode: ClientErrorCode.NotSupported,
    });
    assert.throws(() => handleAuthRedirect(new MemoryStorage(), "#nothing=here"), { errorCode: ClientErrorCode.OAuthFailed });
    assert.throws(() => handleAuthRedirect(new MemoryStorage(), "#_baas_error=denied"), /denied/);
  });

  it("needs a base URL outside browsers", () => {
    assert.throws(() => new App("todo"), { errorCode: ClientErrorCode.InvalidArgument });
    assert.equal(new App({ id: "todo", baseUrl: "http://x.test//" }).baseUrl, "http://x.test");
  });
});
