import type { AppRuntime } from "../apps/app-runtime.js";
import type { AuditLog } from "../audit/audit-log.js";
import type { Clock } from "../clock.js";
import { Errors, GatehouseError } from "../errors.js";
import { NO_DEVICE_ID, newObjectId } from "../ids.js";
import { deviceInfo, type DeviceInfo } from "../sessions/device-info.js";
import { findOrCreateUser, linkIdentity } from "../users/identities.js";
import type { AccessContext, LoginResponse, SessionService } from "../sessions/session-service.js";
import { isUniqueViolation, type Store } from "../store/store.js";
import { noMetrics, type ServiceMetrics } from "../metrics/service-metrics.js";
import type { AuthHooks } from "./hooks.js";
import type { ProviderConfig } from "../config/types.js";
import type { CredentialSchema, Provider, RedirectProvider, VerifiedIdentity } from "./provider.js";

/** A login or link request as the HTTP layer hands it over. */
export interface LoginRequest {
  app: AppRuntime;
  providerName: string;
  body: Record<string, unknown>;
  ip: string;
  /** Set for `?link=true`: the user the new identity joins. */
  linkTo?: LinkTarget;
}

/** The user (and its current session) a link adds an identity to. */
export type LinkTarget = Pick<AccessContext, "app" | "userId" | "session">;

/**
 * Turns a verified credential into a session: the provider checks the credential, `users/` finds or
 * creates the identity's user (or links the identity to the caller), and a session is opened.
 */
export class LoginService {
  private readonly providers = new Map<string, Provider>();

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly sessions: SessionService,
    private readonly hooks: AuthHooks,
    private readonly audit: AuditLog,
    private readonly metrics: ServiceMetrics = noMetrics,
  ) {}

  /** Makes a provider type available to every app that enables it. */
  register(type: string, provider: Provider): void {
    if (provider.type !== type) throw new Error(`provider registered as '${type}' is a '${provider.type}'`);
    this.providers.set(type, provider);
  }

  /** Provider types this server can log users in with. */
  supportedTypes(): string[] {
    return [...this.providers.keys()];
  }

  /** Each served provider type with the schema of its login body's credential fields. */
  credentialSchemas(): [type: string, schema: CredentialSchema][] {
    return [...this.providers.values()].map((p) => [p.type, p.credentialSchema]);
  }

  /**
   * Why `providerName` cannot log anyone in to `app`: not enabled in the app, or of a type this server
   * does not serve; undefined when it is served.
   */
  unservedProvider(app: AppRuntime, providerName: string): GatehouseError | undefined {
    const config = app.provider(providerName);
    if (!config) return Errors.providerNotFound(providerName);
    return this.providers.has(config.type) ? undefined : Errors.providerNotSupported(providerName);
  }

  async login(request: LoginRequest): Promise<LoginResponse> {
    const { config, provider } = this.resolve(request);
    return this.audited(request, config.type, async () => {
      const identity = await provider.verify({
        app: request.app,
        provider: config,
        body: request.body,
        ip: request.ip,
        linking: request.linkTo !== undefined,
      });
      return this.complete(request, config.type, identity);
    });
  }

  /** A login (or link) whose credential the caller already checked: the OAuth redirect callback. */
  async loginWith(request: LoginRequest, identity: VerifiedIdentity): Promise<LoginResponse> {
    const { config } = this.resolve(request);
    return this.audited(request, config.type, () => this.complete(request, config.type, identity));
  }

  /** The provider of that type if it has a browser redirect flow. */
  redirectProvider(type: string): RedirectProvider | undefined {
    const provider = this.providers.get(type);
    return provider && "authorizeUrl" in provider ? (provider as RedirectProvider) : undefined;
  }

  private resolve(request: LoginRequest): { config: ProviderConfig; provider: Provider } {
    const unserved = this.unservedProvider(request.app, request.providerName);
    if (unserved) throw unserved;
    const config = request.app.provider(request.providerName)!;
    return { config, provider: this.providers.get(config.type)! };
  }

  private complete(request: LoginRequest, providerType: string, identity: VerifiedIdentity): Promise<LoginResponse> {
    return request.linkTo
      ? this.link(request.linkTo, request.providerName, providerType, identity, request.ip)
      : this.signIn(request, providerType, identity);
  }

  /** Runs a login, recording a failure in the audit log under its catalogue reason. */
  private async audited(request: LoginRequest, providerType: string, work: () => Promise<LoginResponse>): Promise<LoginResponse> {
    try {
      const response = await work();
      if (!request.linkTo) this.metrics.login(providerType, "ok");
      return response;
    } catch (error) {
      if (!request.linkTo) this.metrics.login(providerType, error instanceof GatehouseError ? error.reason : "error");
      await this.audit.record({
        appId: request.app.id,
        type: request.linkTo ? "link" : "login",
        provider: providerType,
        ip: request.ip,
        result: error instanceof GatehouseError ? error.reason : "error",
        userId: request.linkTo?.userId ?? null,
      });
      throw error;
    }
  }

  private async signIn(request: LoginRequest, providerType: string, identity: VerifiedIdentity): Promise<LoginResponse> {
    const { app, providerName, ip } = request;
    const device = deviceInfo(request.body);
    const now = this.clock.now();
    // Two first logins of one identity can race to create its user; the loser's retry finds the winner's.
    const outcome = await retryOnUniqueViolation(() =>
      // Grouped: under load, concurrent logins share one commit (store/group-commit.ts); each response
      // still waits for the commit of its own rows.
      this.store.grouped(async (tx) => {
        const { user, created } = await findOrCreateUser(tx, app, { providerType, providerName }, identity, now);
        await identity.inLoginTransaction?.(tx);
        const userId = user.id;
        const deviceId = device ? await this.resolveDevice(tx, app, userId, device, now) : NO_DEVICE_ID;
        const pending = { app, userId, providerType, providerName, externalId: identity.externalId, deviceId };
        const session = this.sessions.newSession(pending);
        await tx.sessions.create(session);
        const login = { appId: app.id, type: "login", userId, provider: providerType, ip, result: "ok" };
        await this.audit.recordAll(created ? [{ ...login, type: "user_created" }, login] : [login], tx);
        return { user, created, pending, session };
      }),
    );
    if (outcome.created) await this.hooks.userCreated(app, outcome.user, providerType);
    const response = await this.sessions.issue(outcome.pending, outcome.session);
    await this.hooks.userLoggedIn(app, outcome.user, providerType);
    return response;
  }

  private async resolveDevice(tx: Store, app: AppRuntime, userId: string, device: DeviceInfo, now: number): Promise<string> {
    // A device id the client sends is kept only if this app issued it; otherwise a new one is minted.
    const known = device.deviceId !== undefined && (await tx.sessions.deviceApp(device.deviceId)) === app.id;
    const id = known ? device.deviceId! : newObjectId();
    await tx.sessions.upsertDevice({ id, appId: app.id, userId, info: device.info, at: now });
    return id;
  }

  /** `?link=true`: adds the identity to the caller; the caller's session (and refresh token) stays. */
  private async link(
    caller: LinkTarget,
    providerName: string,
    providerType: string,
    identity: VerifiedIdentity,
    ip: string,
  ): Promise<LoginResponse> {
    const { app } = caller;
    const now = this.clock.now();
    await this.store.transaction(async (tx) => {
      const added = await linkIdentity(tx, app, caller.userId, { providerType, providerName }, identity, now);
      await identity.inLoginTransaction?.(tx);
      if (added)
        await this.audit.record({ appId: app.id, type: "link", userId: caller.userId, provider: providerType, ip, result: "ok" }, tx);
    });
    const access_token = await this.sessions.reissueAccess(app, caller.session);
    // The refresh token is not reissued: clients keep the one they have (PROTOCOL.md §3.4).
    return { access_token, refresh_token: null, user_id: caller.userId, device_id: caller.session.deviceId };
  }
}

/** Runs `work` again once if it failed on a unique constraint (a concurrent insert of the same row). */
async function retryOnUniqueViolation<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    return work();
  }
}
