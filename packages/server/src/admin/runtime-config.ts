import type { AppRegistry, AppRuntime } from "../apps/app-runtime.js";
import type { AuditLog } from "../audit/audit-log.js";
import type { Clock } from "../clock.js";
import { Errors } from "../errors.js";
import type { Store } from "../store/store.js";
import type { Operator } from "./admin-sessions.js";

/** An auth provider as `GET auth_providers` lists it. */
export interface AuthProviderView {
  _id: string;
  name: string;
  type: string;
  disabled: boolean;
  /** Gatehouse extension: false for a provider type this build does not serve (it can log no one in). */
  supported: boolean;
}

const PROVIDER_KEY = "provider:";
const REFRESH_KEY = "refreshTokenLifetimeSeconds";
/** PROTOCOL.md §10.5: 30 minutes to 5 years. */
const MIN_REFRESH = 1800;
const MAX_REFRESH = 157_680_000;

/**
 * Settings operators change while the server runs — providers enabled or disabled, the refresh-token
 * lifetime — kept in the store (`runtime_settings`, one scope per app) and applied over the app directory.
 * The instance that makes a change applies it at once; every instance also reloads the table when its
 * copy is older than `maxAgeMs` (checked as requests arrive), so a change reaches every instance over
 * the same database within that time.
 */
export class RuntimeConfig {
  private loadedAt = Number.NEGATIVE_INFINITY;
  private loading: Promise<void> | undefined;

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly apps: AppRegistry,
    private readonly audit: AuditLog,
    private readonly defaultRefreshSeconds: number,
    /** The provider types this build serves (auth/served-providers.ts). */
    private readonly servedTypes: ReadonlySet<string>,
    private readonly maxAgeMs = 1000,
    private readonly onError: (error: unknown) => void = () => {},
  ) {}

  /** Reloads the settings if this instance's copy is stale; a failed reload keeps the last copy. */
  fresh(): Promise<void> | undefined {
    // Real elapsed time, not the injectable clock: tests that travel in time must not freeze the copy.
    if (performance.now() - this.loadedAt < this.maxAgeMs) return undefined;
    this.loading ??= this.load()
      .catch(this.onError)
      .finally(() => (this.loading = undefined));
    return this.loading;
  }

  /** Reads every app's settings from the store and applies them. */
  async load(): Promise<void> {
    const at = performance.now();
    for (const app of this.apps.all()) {
      const settings = await this.store.settings.all(app.id);
      const providers = new Map<string, boolean>();
      let refresh: number | undefined;
      for (const [key, value] of Object.entries(settings)) {
        if (key.startsWith(PROVIDER_KEY) && typeof value === "boolean") providers.set(key.slice(PROVIDER_KEY.length), value);
        if (key === REFRESH_KEY && typeof value === "number") refresh = value;
      }
      app.overrides.providerDisabled.clear();
      for (const [name, disabled] of providers) app.overrides.providerDisabled.set(name, disabled);
      app.overrides.refreshTokenLifetimeSeconds = refresh;
    }
    this.loadedAt = at;
  }

  listProviders(app: AppRuntime): AuthProviderView[] {
    return Object.values(app.config.providers).map((p) => ({
      _id: app.providerId(p.name),
      name: p.name,
      type: p.type,
      disabled: app.provider(p.name) === undefined,
      supported: this.servedTypes.has(p.type),
    }));
  }

  /** Enables or disables a provider of the app, named by its `_id` or (a Gatehouse extension) its name. */
  async setProviderDisabled(app: AppRuntime, idOrName: string, disabled: boolean, by: Operator, ip: string): Promise<void> {
    const provider = Object.values(app.config.providers).find((p) => p.name === idOrName || app.providerId(p.name) === idOrName);
    if (!provider) throw Errors.adminProviderNotFound(idOrName);
    // Enabling a type nobody serves would look like success while every login still fails.
    if (!disabled && !this.servedTypes.has(provider.type)) throw Errors.adminProviderNotServed(provider.name, provider.type);
    await this.store.transaction(async (tx) => {
      await tx.settings.set(app.id, PROVIDER_KEY + provider.name, disabled, this.clock.now());
      await this.audit.record(
        {
          appId: app.id,
          type: disabled ? "provider_disable" : "provider_enable",
          provider: provider.type,
          ip,
          result: "ok",
          detail: provider.name,
          actor: by.name,
        },
        tx,
      );
    });
    app.overrides.providerDisabled.set(provider.name, disabled);
  }

  refreshTokenExpiration(app: AppRuntime): { expiration_time_seconds: number } {
    return { expiration_time_seconds: app.overrides.refreshTokenLifetimeSeconds ?? this.defaultRefreshSeconds };
  }

  /** Sets the refresh-token lifetime of sessions opened from now on (anonymous sessions keep theirs). */
  async setRefreshTokenExpiration(app: AppRuntime, seconds: number, by: Operator, ip: string): Promise<void> {
    if (!Number.isInteger(seconds) || seconds < MIN_REFRESH || seconds > MAX_REFRESH)
      throw Errors.refreshExpirationRange(MIN_REFRESH, MAX_REFRESH);
    await this.store.transaction(async (tx) => {
      await tx.settings.set(app.id, REFRESH_KEY, seconds, this.clock.now());
      await this.audit.record(
        { appId: app.id, type: "refresh_expiration_set", ip, result: "ok", detail: String(seconds), actor: by.name },
        tx,
      );
    });
    app.overrides.refreshTokenLifetimeSeconds = seconds;
  }
}
