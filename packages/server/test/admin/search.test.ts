/**
 * User search (Gatehouse's extension of `GET users`): email prefix per the app's matching rule, id
 * prefix, provider, disabled, creation and last-login ranges, combined and keyset-paginated — on both
 * engines.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { freshPostgresSchema } from "../helpers/postgres.js";
import { requirement } from "../../../../test/support/requirements.mjs";
import { call, keysApp, todoApp } from "../helpers/server.js";
import { anonUser, assertError, startAdminServer, type AdminTestServer } from "./helpers.js";

const HOUR = 3600_000;

for (const engine of [
  { name: "SQLite", postgres: false },
  { name: "PostgreSQL", postgres: true },
]) {
  describe(`admin user search on ${engine.name}`, { skip: engine.postgres && requirement("postgres") }, () => {
    let server: AdminTestServer;
    let drop: (() => Promise<void>) | undefined;
    const ids: Record<string, string> = {};
    let t0 = 0;
    let t1 = 0;

    before(async () => {
      const schema = engine.postgres ? await freshPostgresSchema() : undefined;
      drop = schema?.drop;
      server = await startAdminServer({
        apps: [todoApp, keysApp],
        ...(schema ? { db: schema.url } : {}),
        // Long-lived access tokens: the set-up moves the clock by hours.
        config: { apps: { "keys-app": { emailMatching: "case-insensitive" } }, sessions: { accessTokenLifetimeSeconds: 86_400 } },
      });
      const create = async (app: string, email: string) => {
        const res = await server.adminCall(server.appPath(app, "/users"), { body: { email, password: "secret-pw" } });
        assert.equal(res.status, 201, res.text);
        return res.body._id as string;
      };
      ids.alpha1 = await create("todo-gatehouse", "alpha.one@example.com");
      ids.alpha2 = await create("todo-gatehouse", "alpha.two@example.com");
      ids.Alpha3 = await create("todo-gatehouse", "Alpha.three@example.com");
      t0 = server.clock.now();
      server.clock.advance(HOUR);
      ids.beta = await create("todo-gatehouse", "beta@example.com");
      ids.anon1 = (await anonUser(server, "todo-gatehouse")).user_id;
      t1 = server.clock.now();
      server.clock.advance(HOUR);
      ids.anon2 = (await anonUser(server, "todo-gatehouse")).user_id;
      // alpha2 logs in late; beta is disabled.
      const login = await call(`${server.api}/app/todo-gatehouse/auth/providers/local-userpass/login`, {
        body: { username: "alpha.two@example.com", password: "secret-pw" },
      });
      assert.equal(login.status, 200);
      assert.equal((await server.adminCall(server.appPath("todo-gatehouse", `/users/${ids.beta}/disable`), { method: "PUT" })).status, 204);
      ids.keysMixed = await create("keys-app", "Mixed.Case@example.com");
      ids.keysOther = await create("keys-app", "other@example.com");
      server.clock.advance(-2 * HOUR);
    });
    after(async () => {
      await server?.close();
      await drop?.();
    });

    const search = async (query: string, app = "todo-gatehouse") => {
      const res = await server.adminCall(server.appPath(app, `/users?${query}`));
      assert.equal(res.status, 200, res.text);
      return res.body.map((u: { _id: string }) => u._id) as string[];
    };
    const names = (found: string[]) => found.map((id) => Object.keys(ids).find((k) => ids[k] === id)).sort();
    const seconds = (ms: number) => Math.floor(ms / 1000);

    it("email is a prefix, compared exactly in an exact-matching app (as App Services did)", async () => {
      assert.deepEqual(names(await search("email=alpha.")), ["alpha1", "alpha2"]);
      assert.deepEqual(names(await search("email=Alpha")), ["Alpha3"]);
      assert.deepEqual(names(await search("email=alpha.one@example.com")), ["alpha1"]);
      assert.deepEqual(await search("email=zzz"), []);
      // Results come in email order.
      assert.deepEqual(await search("email=alpha."), [ids.alpha1, ids.alpha2]);
    });

    it("email is compared case-insensitively in a case-insensitive app", async () => {
      assert.deepEqual(names(await search("email=MIXED", "keys-app")), ["keysMixed"]);
      assert.deepEqual(names(await search("email=mixed.case@", "keys-app")), ["keysMixed"]);
    });

    it("id is a prefix of the user id", async () => {
      assert.deepEqual(await search(`id=${ids.beta!.slice(0, 24)}`), [ids.beta]);
      const prefix = ids.anon1!.slice(0, 10);
      const found = await search(`id=${prefix}`);
      assert.ok(found.includes(ids.anon1!));
      for (const id of found) assert.ok(id.startsWith(prefix));
    });

    it("provider and disabled filter by identity type and standing", async () => {
      assert.deepEqual(names(await search("provider=anon-user")), ["anon1", "anon2"]);
      assert.deepEqual(names(await search("provider=local-userpass")), ["Alpha3", "alpha1", "alpha2", "beta"]);
      assert.deepEqual(names(await search("disabled=true")), ["beta"]);
      assert.equal((await search("disabled=false")).length, 5);
    });

    it("created and last-login ranges take seconds or ISO dates", async () => {
      assert.deepEqual(names(await search(`created_before=${seconds(t0) + 1}`)), ["Alpha3", "alpha1", "alpha2"]);
      assert.deepEqual(names(await search(`created_after=${seconds(t0) + 1}&created_before=${seconds(t1) + 1}`)), ["anon1", "beta"]);
      assert.deepEqual(names(await search(`created_after=${encodeURIComponent(new Date(t1 + 1000).toISOString())}`)), ["anon2"]);
      assert.deepEqual(names(await search(`last_login_after=${seconds(t1) + 1}`)), ["alpha2", "anon2"]);
      assert.deepEqual(names(await search(`last_login_before=${seconds(t0) + 1}`)), []);
    });

    it("filters combine", async () => {
      assert.deepEqual(names(await search("email=alpha&provider=local-userpass&disabled=false")), ["alpha1", "alpha2"]);
      assert.deepEqual(names(await search(`provider=local-userpass&created_after=${seconds(t0) + 1}`)), ["beta"]);
      assert.deepEqual(names(await search("email=beta&disabled=false")), []);
      assert.deepEqual(names(await search(`provider=anon-user&last_login_after=${seconds(t1) + 1}`)), ["anon2"]);
    });

    it("search pages are keyset pages in every order", async () => {
      for (const query of ["provider=local-userpass", "email=", `created_after=0`, `last_login_after=0`, "disabled=false"]) {
        if (query === "email=") continue; // an empty prefix is refused by the schema (below)
        const all = await search(query);
        const paged: string[] = [];
        for (;;) {
          const after = paged.length ? `&after=${paged[paged.length - 1]}` : "";
          const page = await search(`${query}&limit=2${after}`);
          if (page.length === 0) break;
          assert.ok(page.length <= 2);
          paged.push(...page);
        }
        assert.deepEqual(paged, all, query);
        const desc = await search(`${query}&desc=true`);
        assert.deepEqual(desc, [...all].reverse(), `${query} desc`);
      }
      assertError(await server.adminCall(server.appPath("todo-gatehouse", "/users?email=")), 400, "InvalidParameter");
    });
  });
}
