/**
 * The server config's `passwordHashing`: OWASP's five argon2id configurations, and anything stronger than
 * one of them, are accepted; anything short of all five is refused at start, naming them. A hasher built
 * from an accepted lower-memory setting stores hashes at that setting.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { PasswordHasher } from "../../src/auth/password.js";
import { resolveServerConfig } from "../../src/server-config.js";
import { OWASP_ARGON2ID } from "../../src/server-config/resolve.js";

const REFUSED =
  /passwordHashing must reach one of OWASP's argon2id configurations \(memoryCost KiB \/ timeCost: 47104\/1, 19456\/2, 12288\/3, 9216\/4, 7168\/5; parallelism at least 1\)/;

describe("server config: passwordHashing", () => {
  it("defaults to 19456 KiB, two passes, one lane", () => {
    assert.deepEqual(resolveServerConfig({}).passwordHashing, { memoryCost: 19_456, timeCost: 2, parallelism: 1 });
  });

  it("accepts each of OWASP's configurations and stronger settings", () => {
    for (const { memoryCost, timeCost } of OWASP_ARGON2ID) {
      assert.deepEqual(resolveServerConfig({ passwordHashing: { memoryCost, timeCost } }).passwordHashing, {
        memoryCost,
        timeCost,
        parallelism: 1,
      });
      assert.equal(
        resolveServerConfig({ passwordHashing: { memoryCost: memoryCost * 2, timeCost: timeCost + 1, parallelism: 2 } }).passwordHashing
          .parallelism,
        2,
      );
    }
  });

  it("refuses settings short of every configuration, and non-integers", () => {
    const short = [
      { memoryCost: 47_103, timeCost: 1 },
      { memoryCost: 19_455, timeCost: 2 },
      { memoryCost: 12_287, timeCost: 3 },
      { memoryCost: 12_288, timeCost: 2 },
      { memoryCost: 9_215, timeCost: 4 },
      { memoryCost: 7_167, timeCost: 5 },
      { memoryCost: 4_096, timeCost: 10 },
      { memoryCost: 19_456, timeCost: 2.5 },
      { memoryCost: 19_456, timeCost: 2, parallelism: 0 },
    ];
    for (const passwordHashing of short)
      assert.throws(() => resolveServerConfig({ passwordHashing }), REFUSED, JSON.stringify(passwordHashing));
  });

  it("hashes and verifies at a lower-memory configuration, and asks to rehash the default's hashes", async () => {
    const lower = new PasswordHasher(resolveServerConfig({ passwordHashing: { memoryCost: 12_288, timeCost: 3 } }).passwordHashing);
    const hash = await lower.hash("correct horse battery staple");
    assert.match(hash, /^\$argon2id\$v=19\$m=12288,t=3,p=1\$/);
    assert.equal(await lower.verify(hash, "correct horse battery staple"), true);
    assert.equal(await lower.verify(hash, "wrong"), false);
    const defaultHash = await new PasswordHasher(resolveServerConfig({}).passwordHashing).hash("correct horse battery staple");
    assert.equal(lower.needsRehash(defaultHash), true);
    assert.equal(lower.needsRehash(hash), false);
  });
});
