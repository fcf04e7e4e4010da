/**
 * Rehash on login: an account hashed under older argon2id parameters gets a hash at the current ones
 * the first time its owner logs in (DESIGN.md security defaults), the password keeps working, and a
 * login at unchanged parameters leaves the hash alone. Two servers share one SQLite file, as an
 * upgrade with new hashing settings would.
 */
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { call, startTestServer, type TestServer } from "../helpers/server.js";

const EMAIL = "rehash@example.com";
const PASSWORD = "correct horse";

describe("rehash on login", () => {
  let dir: string;
  let db: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "gatehouse-rehash-"));
    db = `sqlite:${join(dir, "gatehouse.db")}`;
  });
  after(() => rm(dir, { recursive: true, force: true }));

  const route = (server: TestServer, sub: string) => `${server.api}/app/todo-gatehouse/auth/providers/local-userpass/${sub}`;
  const login = (server: TestServer, password = PASSWORD) => call(route(server, "login"), { body: { username: EMAIL, password } });
  const storedHash = async (server: TestServer) =>
    (await server.services.store.accounts.findByEmailKey("todo-gatehouse", EMAIL))!.passwordHash;

  it("replaces a hash made at older parameters on the next login, and only then", async () => {
    // The defaults (the second of OWASP's argon2id configurations), then stronger ones.
    const old = await startTestServer({ db });
    let weakHash: string;
    try {
      assert.equal((await call(route(old, "register"), { body: { email: EMAIL, password: PASSWORD } })).status, 201);
      weakHash = await storedHash(old);
      assert.match(weakHash, /^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
      assert.equal((await login(old)).status, 200);
      assert.equal(await storedHash(old), weakHash, "a login at the same parameters keeps the hash");
    } finally {
      await old.close().catch(() => {});
    }

    const current = await startTestServer({ db, config: { passwordHashing: { memoryCost: 19456, timeCost: 3 } } });
    try {
      const wrong = await login(current, "wrong password");
      assert.equal(wrong.status, 401);
      assert.equal(await storedHash(current), weakHash, "a failed login rehashes nothing");

      assert.equal((await login(current)).status, 200);
      const strongHash = await storedHash(current);
      assert.match(strongHash, /^\$argon2id\$v=19\$m=19456,t=3,p=1\$/);
      assert.notEqual(strongHash, weakHash);

      assert.equal((await login(current)).status, 200, "the password still works against the new hash");
      assert.equal(await storedHash(current), strongHash, "and is not rehashed again");
    } finally {
      await current.close();
    }
  });
});
