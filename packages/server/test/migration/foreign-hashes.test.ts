/** Foreign password hashes: each format verified by the hasher the login uses, wrong passwords refused, bad strings rejected. */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { PasswordHasher } from "../../src/auth/password.js";
import { parseForeignHash, foreignHashVerifier } from "../../src/migration/foreign-hashes.js";
import { toImportUser } from "../../src/migration/records.js";
import { FIREBASE_VECTOR, foreignHashes, userpassUser } from "./fixtures.js";

const hasher = new PasswordHasher({ memoryCost: 19_456, timeCost: 2, parallelism: 1 }, foreignHashVerifier);
const context = { firebase: FIREBASE_VECTOR.params };

/** The stored form of a fixture hash, as the import writes it. */
function stored(hash: unknown): string {
  const user = toImportUser(userpassUser("x@example.com", { password_hash: hash }), context);
  assert.ok(typeof user === "object", String(user));
  return user.account!.passwordHash;
}

describe("foreign password hashes", async () => {
  const hashes = await foreignHashes();
  for (const { name, password, hash } of hashes) {
    test(`${name}: the right password verifies, a wrong one does not, and it is due for a rehash`, async () => {
      const value = stored(hash);
      assert.equal(await hasher.verify(value, password), true);
      assert.equal(await hasher.verify(value, `${password}x`), false);
      assert.equal(await hasher.verify(value, ""), false);
      assert.equal(hasher.needsRehash(value), true);
    });
  }

  test("Firebase's published vector verifies with its project parameters and fails with another signer key", async () => {
    const value = stored({ firebase_scrypt: { hash: FIREBASE_VECTOR.hash, salt: FIREBASE_VECTOR.salt } });
    assert.equal(await hasher.verify(value, "user1password"), true);
    const other = toImportUser(
      userpassUser("y@example.com", { password_hash: { firebase_scrypt: { hash: FIREBASE_VECTOR.hash, salt: FIREBASE_VECTOR.salt } } }),
      {
        firebase: { ...FIREBASE_VECTOR.params, signerKey: Buffer.alloc(64, 7).toString("base64") },
      },
    );
    assert.ok(typeof other === "object");
    assert.equal(await hasher.verify(other.account!.passwordHash, "user1password"), false);
  });

  test("malformed or too costly hashes are refused at import, with the reason", () => {
    const cases: [unknown, RegExp][] = [
      ["$2b$04$tooshort", /malformed bcrypt/],
      [`$2b$31$${"a".repeat(53)}`, /bcrypt cost 31/],
      ["$scrypt$ln=30,r=8,p=1$c2FsdA$aGFzaGhhc2hoYXNoaGFzaA", /256 MiB/],
      ["$scrypt$ln=14,r=8$%%%$abc", /malformed scrypt/],
      ["$pbkdf2-sha256$i=99999999,l=32$c2FsdA$aGFzaGhhc2hoYXNoaGFzaA", /iterations above/],
      ["pbkdf2_sha256$abc$salt$hash", /malformed Django/],
      ["$md5$whatever", /unsupported format/],
      ["plaintext-password", /unsupported format/],
      [{ firebase_scrypt: { hash: FIREBASE_VECTOR.hash } }, /needs hash and salt/],
      [42, /must be a string/],
    ];
    for (const [hash, reason] of cases) {
      const result = toImportUser(userpassUser("z@example.com", { password_hash: hash }), context);
      assert.equal(typeof result, "string", `${JSON.stringify(hash)} was accepted`);
      assert.match(result as string, reason);
    }
    const noParams = toImportUser(
      userpassUser("z@example.com", { password_hash: { firebase_scrypt: { hash: "aGFzaA==", salt: "c2FsdA==" } } }),
      {},
    );
    assert.match(String(noParams), /--firebase-signer-key/);
  });

  test("argon2 hashes are left to the server's own argon2 verification", () => {
    assert.equal(parseForeignHash("$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaA"), undefined);
  });
});
