import type { AppConfig, ProviderConfig } from "../config/types.js";
import { derivedId, newSecret } from "../ids.js";
import type { AppServerSettings } from "../server-config.js";
import { TokenSigner } from "./token-signer.js";
import type { Store } from "../store/store.js";

/** One served app: its App Services config, its server-side settings and its token signer. */
export interface AppRuntime {
  readonly config: AppConfig;
  readonly id: string;
  readonly settings: AppServerSettings;
  readonly signer: TokenSigner;
  /** The enabled provider of that name, or undefined. */
  provider(name: string): ProviderConfig | undefined;
  /** The 24-hex `provider_id` reported in identities. */
  providerId(name: string): string;
  /** The key an email is stored and compared under: NFC, exact or lower-cased per the app's setting. */
  emailKey(email: string): string;
  /**
   * Settings changed at run time through the admin API (kept in the store, reloaded by
   * `admin/runtime-config.ts`); they win over the app directory and the server config.
   */
  readonly overrides: RuntimeOverrides;
}

/** What the admin API may change while the server runs. */
export interface RuntimeOverrides {
  /** Provider name → disabled, for providers enabled or disabled by an operator. */
  providerDisabled: Map<string, boolean>;
  /** `PUT security/refresh_token_expiration`. */
  refreshTokenLifetimeSeconds?: number;
}

/** Builds the runtime of an app, creating its signing key in the store on first start. */
export async function createAppRuntime(config: AppConfig, settings: AppServerSettings, store: Store, now: number): Promise<AppRuntime> {
  let keys = settings.signingKeys;
  if (!keys || keys.length === 0) {
    await store.signingKeys.addIfAbsent(config.clientAppId, "k1", newSecret(48), now);
    keys = (await store.signingKeys.list(config.clientAppId)).map(({ kid, secret }) => ({ kid, secret }));
  }
  for (const key of keys) {
    if (typeof key.kid !== "string" || typeof key.secret !== "string" || key.secret.length < 32) {
      throw new Error(`server config: apps.${config.clientAppId}.signingKeys: each key needs a kid and a secret of at least 32 characters`);
    }
  }
  const signer = new TokenSigner(config.clientAppId, keys);
  const caseInsensitive = settings.emailMatching === "case-insensitive";
  const providerIds = new Map<string, string>();
  const overrides: RuntimeOverrides = { providerDisabled: new Map() };
  return {
    config,
    id: config.clientAppId,
    settings,
    signer,
    provider(name) {
      const provider = Object.hasOwn(config.providers, name) ? config.providers[name] : undefined;
      const disabled = overrides.providerDisabled.get(name) ?? provider?.disabled;
      return provider && !disabled ? provider : undefined;
    },
    overrides,
    // Hashed once per provider name: profiles and logins ask for it on every request.
    providerId: (name) => {
      let id = providerIds.get(name);
      if (id === undefined) providerIds.set(name, (id = derivedId("provider", config.clientAppId, name)));
      return id;
    },
    // NFC first: composed and decomposed forms of one address are one key (auth/userpass/email-address.ts).
    emailKey: (email) => {
      const nfc = email.normalize("NFC");
      return caseInsensitive ? nfc.toLowerCase().normalize("NFC") : nfc;
    },
  };
}

/** The apps a server serves, by client app id. */
export class AppRegistry {
  private readonly apps = new Map<string, AppRuntime>();

  add(app: AppRuntime): void {
    if (this.apps.has(app.id)) throw new Error(`two apps share the client app id '${app.id}' (${app.config.dir})`);
    this.apps.set(app.id, app);
  }

  get(id: string): AppRuntime | undefined {
    return this.apps.get(id);
  }

  all(): AppRuntime[] {
    return [...this.apps.values()];
  }
}
