import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { AppRuntime } from "../../src/apps/app-runtime.js";
import type { SignedClaims } from "../../src/sessions/tokens.js";
import { VerifiedTokens } from "../../src/sessions/verified-tokens.js";

// The memo holds only what verification established; the app is an opaque reference to it.
const app = { id: "todo-gatehouse" } as AppRuntime;
const claims = (sub: string): SignedClaims => ({ sub, iat: 1, exp: 2, typ: "access", gh_app: "todo-gatehouse" });

describe("the verified-token memo", () => {
  it("forgets the oldest tokens first once it holds its number of entries", () => {
    const memo = new VerifiedTokens({ entries: 3, chars: 1_000_000 });
    for (const t of ["t1", "t2", "t3", "t4"]) memo.remember(t, app, claims(t));
    assert.equal(memo.size, 3);
    assert.equal(memo.get("t1"), undefined);
    assert.equal(memo.get("t4")?.claims.sub, "t4");
  });

  it("is bounded in characters as well as entries", () => {
    const memo = new VerifiedTokens({ entries: 100, chars: 250 });
    for (let i = 0; i < 5; i++) memo.remember(`${i}`.padEnd(100, "x"), app, claims(`${i}`));
    assert.equal(memo.size, 2);
    assert.equal(memo.get("4".padEnd(100, "x"))?.claims.sub, "4");
  });

  it("never keeps a very long token (large custom user data)", () => {
    const memo = new VerifiedTokens();
    memo.remember("x".repeat(9000), app, claims("big"));
    assert.equal(memo.size, 0);
  });

  it("hands out claims nobody can change for the next request", () => {
    const memo = new VerifiedTokens();
    memo.remember("t", app, claims("u1"));
    const known = memo.get("t")!;
    assert.throws(() => {
      (known.claims as { sub: string }).sub = "u2";
    }, TypeError);
    assert.equal(memo.get("t")!.claims.sub, "u1");
  });
});
