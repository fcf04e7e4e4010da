/**
 * App Services exports (written to a temp dir) that configure custom JWT, Google, Apple and Facebook
 * logins against the loopback identity providers, plus the server config that gives them their
 * secrets and endpoints. Shared by the server, SDK and realm-web tests.
 */
import { createPublicKey } from "node:crypto";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { exportJWK, exportSPKI } from "jose";
import type { ServerConfig } from "../../src/index.js";
import type { LoopbackIdentityProviders } from "./identity-providers.js";

/** The HS256 shared secrets (two, to test rotation). */
export const HS_KEYS = { jwtKeyA: "a".repeat(16) + "-first-hs256-secret-value", jwtKeyB: "b".repeat(16) + "-second-hs256-secret-value" };
/** Client ids the social apps are configured with. */
export const CLIENT_IDS = { google: "google-client.apps.example", apple: "com.example.gatehouse", facebook: "fb-app-1" };
/** Where the browser tests land after the redirect flow. */
export const REDIRECT_PAGE_PATH = "/oauth-done";

/** The apps, by client app id. */
export interface ProviderApps {
  dirs: string[];
  config: ServerConfig;
  close(): Promise<void>;
}

const provider = (type: string, extra: Record<string, unknown>) => ({ name: type, type, disabled: false, ...extra });
const ANON = provider("anon-user", {});

/**
 * Writes the apps:
 * - `jwt-hs` HS256, two keys, default audience (the app id), metadata `user.name` (required) → `name`, `email`, `org.id` → `org`
 * - `jwt-rs` RS256 with a PEM key, audience aud-1 and aud-2, all required
 * - `jwt-es` ES256 with a JWK key, audience aud-1 or aud-2
 * - `jwt-ed` EdDSA with a PEM key
 * - `jwt-jwks` RS256 from the loopback JWK Set; `jwt-jwks-es` ES256 from it (another URL, so another cache)
 * - `jwt-broken` HS256 naming a secret the server config lacks
 * - `social` Google (openId), Apple, Facebook, custom-token, api-key, anon-user, custom user data in `app.users`; `social-code` Google without openId (auth codes)
 * `redirectOrigin` is the origin of the redirect_uris (the browser test's page server).
 */
export async function writeProviderApps(idp: LoopbackIdentityProviders, redirectOrigin = "http://127.0.0.1:1"): Promise<ProviderApps> {
  const base = await mkdtemp(join(tmpdir(), "gatehouse-provider-apps-"));
  const rsaPem = await exportSPKI(idp.customKeys[0]!.publicKey);
  const ecJwk = JSON.stringify(await exportJWK(idp.customKeys[1]!.publicKey));
  const edPem = createPublicKey({ key: (await exportJWK(idp.customKeys[2]!.publicKey)) as never, format: "jwk" })
    .export({ type: "spki", format: "pem" })
    .toString();
  const metadata = [
    { name: "user.name", field_name: "name", required: true },
    { name: "email", required: false },
    { name: "org.id", field_name: "org", required: false },
  ];
  const custom = (config: Record<string, unknown>, keys: string[] = [], extra: Record<string, unknown> = {}) =>
    provider("custom-token", { config, secret_config: { signingKeys: keys }, ...extra });
  const redirectUris = [`${redirectOrigin}${REDIRECT_PAGE_PATH}`, `${redirectOrigin}/other/`];
  const social = {
    "anon-user": ANON,
    "api-key": provider("api-key", {}),
    "custom-token": custom({ signingAlgorithm: "HS256" }, ["jwtKeyA"], { metadata_fields: metadata.slice(1) }),
    "oauth2-google": provider("oauth2-google", {
      config: { clientId: CLIENT_IDS.google, openId: true },
      secret_config: { clientSecret: "googleSecret" },
      redirect_uris: redirectUris,
    }),
    "oauth2-apple": provider("oauth2-apple", {
      config: { clientId: CLIENT_IDS.apple },
      secret_config: { clientSecret: "appleSecret" },
      redirect_uris: redirectUris,
    }),
    "oauth2-facebook": provider("oauth2-facebook", {
      config: { clientId: CLIENT_IDS.facebook },
      secret_config: { clientSecret: "facebookSecret" },
      metadata_fields: [
        { name: "name", required: false },
        { name: "email", required: true },
        { name: "first_name", required: false },
      ],
      redirect_uris: redirectUris,
    }),
  };
  const apps: Record<string, Record<string, unknown>> = {
    "jwt-hs": {
      "anon-user": ANON,
      "custom-token": custom({ signingAlgorithm: "HS256", audience: [] }, ["jwtKeyA", "jwtKeyB"], { metadata_fields: metadata }),
    },
    "jwt-rs": {
      "custom-token": custom({ signingAlgorithm: "RS256", audience: ["aud-1", "aud-2"], requireAnyAudience: false }, ["rsaPublic"]),
    },
    "jwt-es": {
      "custom-token": custom({ signingAlgorithm: "ES256", audience: ["aud-1", "aud-2"], requireAnyAudience: true }, ["ecPublic"]),
    },
    "jwt-ed": { "custom-token": custom({ signingAlgorithm: "EdDSA" }, ["edPublic"]) },
    "jwt-jwks": { "custom-token": custom({ useJWKURI: true, jwkURI: `${idp.url}/custom/jwks`, signingAlgorithm: "" }) },
    "jwt-jwks-es": { "custom-token": custom({ useJWKURI: true, jwkURI: `${idp.url}/custom/jwks?set=es`, signingAlgorithm: "ES256" }) },
    "jwt-broken": { "custom-token": custom({ signingAlgorithm: "HS256" }, ["notConfigured"]) },
    social,
    "social-code": {
      "anon-user": ANON,
      "oauth2-google": provider("oauth2-google", {
        config: { clientId: CLIENT_IDS.google, openId: false },
        secret_config: { clientSecret: "googleSecret" },
        metadata_fields: [
          { name: "name", required: false },
          { name: "email", required: true },
          { name: "picture", required: false },
        ],
        domain_restrictions: ["example.org"],
        redirect_uris: redirectUris,
      }),
    },
  };
  const dirs: string[] = [];
  for (const [id, providers] of Object.entries(apps)) {
    const dir = join(base, id);
    await writeJson(join(dir, "realm_config.json"), { app_id: id, config_version: 20210101, name: id });
    await writeJson(join(dir, "auth/providers.json"), providers);
    if (id === "social") {
      // Custom user data in builtin collections, for the anonymous → permanent upgrade tests.
      await writeJson(join(dir, "auth/custom_user_data.json"), {
        enabled: true,
        mongo_service_name: "mongodb-atlas",
        database_name: "app",
        collection_name: "users",
        user_id_field: "user_id",
      });
      await writeJson(join(dir, "data_sources/mongodb-atlas/config.json"), { name: "mongodb-atlas", type: "mongodb-atlas", config: {} });
    }
    dirs.push(dir);
  }
  const secrets = {
    ...HS_KEYS,
    rsaPublic: rsaPem,
    ecPublic: ecJwk,
    edPublic: edPem,
    googleSecret: idp.clientSecrets.google,
    appleSecret: idp.clientSecrets.apple,
    facebookSecret: idp.clientSecrets.facebook,
  };
  const config: ServerConfig = {
    apps: Object.fromEntries(Object.keys(apps).map((id) => [id, { secrets }])),
    identityProviders: idp.endpoints(),
    identityProviderTimeoutMs: 400,
  };
  return { dirs, config, close: () => rm(base, { recursive: true, force: true }) };
}

async function writeJson(path: string, value: unknown): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, JSON.stringify(value, null, 2));
}
