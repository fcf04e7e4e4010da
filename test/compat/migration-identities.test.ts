/**
 * Imported identities are found by the next login through realm-web@2.0.1: a custom JWT with the same
 * `sub` and a Google account with the same subject land on the imported user ids.
 */
import assert from "node:assert/strict";
import { Readable } from "node:stream";
import { test } from "node:test";
import { SignJWT } from "jose";
import * as Realm from "realm-web";
import { newObjectId } from "../../packages/server/src/ids.js";
import { UserImportService } from "../../packages/server/src/migration/import-service.js";
import { readEntries } from "../../packages/server/src/migration/reader.js";
import { CLIENT_IDS, HS_KEYS } from "../../packages/server/test/helpers/provider-apps.js";
import { useProviderServer } from "../../packages/server/test/helpers/provider-server.js";
import { ndjson } from "../../packages/server/test/migration/fixtures.js";
import { newApp } from "./helpers.js";

const ctx = useProviderServer();

const now = () => Math.floor(ctx.server.clock.now() / 1000);
const importInto = (appId: string, records: unknown[]) =>
  new UserImportService(ctx.server.services.store, ctx.server.clock).run(readEntries(Readable.from([ndjson(records)])), { appId });

test("a custom JWT with the imported identity's sub logs in as the imported user", async () => {
  const imported = {
    _id: newObjectId(),
    identities: [{ id: "legacy-sub-42", provider_type: "custom-token", provider_id: "x", provider_data: { name: "Ada" } }],
    data: { name: "Ada", email: "ada@example.com" },
    type: "normal",
    creation_date: 1650000000,
  };
  assert.equal((await importInto("jwt-hs", [imported])).imported, 1);
  const token = await new SignJWT({ sub: "legacy-sub-42", aud: "jwt-hs", user: { name: "Ada" } })
    .setProtectedHeader({ alg: "HS256" })
    .setIssuedAt(now())
    .setExpirationTime(now() + 300)
    .sign(new TextEncoder().encode(HS_KEYS.jwtKeyA));
  const { app } = newApp(ctx.server, "jwt-hs");
  const user = await app.logIn(Realm.Credentials.jwt(token));
  assert.equal(user.id, imported._id);
  assert.deepEqual(user.identities, [{ id: "legacy-sub-42", providerType: "custom-token" }]);
  // Another sub is another (new) user.
  const other = await new SignJWT({ sub: "someone-new", aud: "jwt-hs", user: { name: "Bo" } })
    .setProtectedHeader({ alg: "HS256" })
    .setIssuedAt(now())
    .setExpirationTime(now() + 300)
    .sign(new TextEncoder().encode(HS_KEYS.jwtKeyA));
  assert.notEqual((await newApp(ctx.server, "jwt-hs").app.logIn(Realm.Credentials.jwt(other))).id, imported._id);
});

test("a Google sign-in with the imported identity's subject logs in as the imported user", async () => {
  const imported = {
    _id: newObjectId(),
    identities: [{ id: "108877665544332211000", provider_type: "oauth2-google", provider_data: { email: "gus@gmail.test" } }],
    data: { email: "gus@gmail.test" },
    creation_date: 1650000000,
  };
  assert.equal((await importInto("social", [imported])).imported, 1);
  const idToken = await ctx.idp.googleIdToken({ aud: CLIENT_IDS.google, sub: "108877665544332211000", email: "gus@gmail.test" });
  const user = await newApp(ctx.server, "social").app.logIn(Realm.Credentials.google({ idToken }));
  assert.equal(user.id, imported._id);
  assert.equal(user.providerType, "oauth2-google");
});
