import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { describe, it } from "node:test";
import { rawRequest } from "../helpers/raw-http.js";
import { useProviderServer } from "../helpers/provider-server.js";

/**
 * Bad input to the token providers and the OAuth routes gets a 4xx, never a 5xx: JSON error bodies on
 * the API routes, an HTML page naming its reason where a browser window is looking.
 */
describe("fuzzing the provider logins and the OAuth routes", () => {
  const ctx = useProviderServer();

  // A seeded generator, so a failure names a reproducible case.
  let seed = 7;
  const random = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff), seed / 0x7fffffff);
  const pick = <T>(list: T[]) => list[Math.floor(random() * list.length)]!;
  const weird: unknown[] = [
    null,
    0,
    true,
    "",
    "x".repeat(20_000),
    "a.b.c",
    "eyJhbGciOiJub25lIn0.e30.",
    [],
    {},
    { $oid: "zz" },
    "\u0000\ud800",
  ];
  const text = () =>
    pick([
      "",
      "%",
      "%%%",
      "a".repeat(3000),
      "eyJhbGciOiJIUzI1NiJ9.e30.x",
      "http://evil.example/",
      "\u00ff\u0000",
      randomBytes(8).toString("hex"),
    ]);

  it("token provider logins answer 4xx JSON to any body", async () => {
    const failures: string[] = [];
    for (const [app, provider] of [
      ["jwt-hs", "custom-token"],
      ["jwt-jwks", "custom-token"],
      ["social", "oauth2-google"],
      ["social-code", "oauth2-google"],
      ["social", "oauth2-apple"],
      ["social", "oauth2-facebook"],
    ] as const) {
      for (let i = 0; i < 15; i++) {
        const body: Record<string, unknown> = {};
        for (const field of ["token", "id_token", "authCode", "accessToken", "options", "provider"])
          if (random() < 0.6) body[field] = pick(weird);
        const res = await rawRequest({
          port: ctx.server.port,
          method: "POST",
          path: `/api/client/v2.0/app/${app}/auth/providers/${provider}/login${i % 4 === 0 ? "?link=true" : ""}`,
          headers: { "content-type": "application/json", ...(i % 5 === 0 ? { authorization: "Bearer x.y.z" } : {}) },
          body: i === 0 ? "{" : JSON.stringify(body),
        });
        if (res.status >= 500 || res.status < 400 || res.headers["content-type"] !== "application/json") {
          failures.push(`${app} ${provider} #${i} ${JSON.stringify(body).slice(0, 80)} -> ${res.status} ${res.body.slice(0, 120)}`);
        }
      }
    }
    assert.deepEqual(failures, []);
  });

  it("the OAuth login and callback routes answer 4xx to any query or form", async () => {
    const failures: string[] = [];
    for (let i = 0; i < 60; i++) {
      const query = new URLSearchParams();
      for (const key of ["redirect", "state", "device", "link", "providerRedirectHeader", "code", "error"])
        if (random() < 0.6) query.set(key, text());
      const [method, path] = pick([
        ["GET", `/app/social/auth/providers/${pick(["oauth2-google", "oauth2-apple", "oauth2-facebook", "nope", "anon-user"])}/login`],
        ["GET", "/auth/callback"],
        ["POST", "/auth/callback"],
      ] as const);
      const form = method === "POST";
      const res = await rawRequest({
        port: ctx.server.port,
        method,
        path: `/api/client/v2.0${path}${form ? "" : `?${query}`}`,
        headers: form ? { "content-type": pick(["application/x-www-form-urlencoded", "application/json"]) } : {},
        body: form ? (i % 3 === 0 ? randomBytes(40).toString("latin1") : query.toString()) : undefined,
      });
      const page =
        String(res.headers["content-type"] ?? "").startsWith("text/html") && typeof res.headers["x-gatehouse-reason"] === "string";
      const json = res.headers["content-type"] === "application/json";
      if (res.status >= 500 || (res.status >= 400 && !page && !json)) {
        failures.push(`${method} ${path}?${query} -> ${res.status} ${String(res.headers["content-type"])} ${res.body.slice(0, 120)}`);
      }
    }
    assert.deepEqual(failures, []);
  });
});
