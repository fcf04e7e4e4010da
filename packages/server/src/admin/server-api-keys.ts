import type { AppRuntime } from "../apps/app-runtime.js";
import type { AuditLog } from "../audit/audit-log.js";
import type { Clock } from "../clock.js";
import { Errors } from "../errors.js";
import { hashSecret, newObjectId, newSecret } from "../ids.js";
import type { ApiKeyRecord } from "../store/api-keys-repo.js";
import type { Store } from "../store/store.js";
import type { Operator } from "./admin-sessions.js";
import { checkId } from "./admin-users.js";

/** A server API key as the admin API shows it (the secret `key` only in the create answer). */
export interface ServerApiKeyView {
  _id: string;
  name: string;
  disabled: boolean;
}

/** App Services allowed at most 100 server API keys per app (PROTOCOL.md §11.3). */
export const MAX_SERVER_KEYS = 100;
const NAME = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * Server API keys (`/api_keys`): each key is owned by its own user of `type: "server"`, created with the
 * key and holding its `api-key` identity, so logging in with the key (`api-key` provider) is that user.
 * Deleting the key deletes the user.
 */
export class ServerApiKeys {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly audit: AuditLog,
  ) {}

  async create(app: AppRuntime, name: string, by: Operator, ip: string): Promise<ServerApiKeyView & { key: string }> {
    if (!NAME.test(name)) throw Errors.apiKeyNameInvalid();
    const key = newSecret(48);
    const now = this.clock.now();
    const record: ApiKeyRecord = {
      id: newObjectId(),
      appId: app.id,
      userId: newObjectId(),
      name,
      keyHash: hashSecret(key),
      disabled: false,
      createdAt: now,
    };
    const identity = {
      userId: record.userId,
      providerType: "api-key",
      providerName: "api-key",
      externalId: record.id,
      providerData: { name },
      createdAt: now,
    };
    await this.store.transaction(async (tx) => {
      const existing = await tx.apiKeys.listServerKeys(app.id);
      if (existing.some((k) => k.name === name)) throw Errors.apiKeyAlreadyExists(name);
      if (existing.length >= MAX_SERVER_KEYS) throw Errors.serverApiKeyLimit(MAX_SERVER_KEYS);
      await tx.users.create(
        { id: record.userId, appId: app.id, type: "server", disabled: false, data: { name }, createdAt: now, sessionsValidSince: now },
        identity,
      );
      await tx.apiKeys.create(record);
      await this.audit.record(
        {
          appId: app.id,
          type: "api_key_create",
          userId: record.userId,
          provider: "api-key",
          ip,
          result: "ok",
          detail: `server key ${name}`,
          actor: by.name,
        },
        tx,
      );
    });
    return { ...view(record), key };
  }

  async list(app: AppRuntime): Promise<ServerApiKeyView[]> {
    return (await this.store.apiKeys.listServerKeys(app.id)).map(view);
  }

  async get(app: AppRuntime, id: string): Promise<ServerApiKeyView> {
    return view(await this.find(app, id));
  }

  /** Disabling ends the key's sessions at once (a leaked key must stop working). */
  async setDisabled(app: AppRuntime, id: string, disabled: boolean, by: Operator, ip: string): Promise<void> {
    const key = await this.find(app, id);
    await this.store.transaction(async (tx) => {
      await tx.apiKeys.setDisabled(key.userId, key.id, disabled);
      if (disabled) await tx.sessions.revokeAllForUser(key.userId, this.clock.now());
      const type = disabled ? "api_key_disable" : "api_key_enable";
      await this.audit.record(
        { appId: app.id, type, userId: key.userId, provider: "api-key", ip, result: "ok", detail: key.id, actor: by.name },
        tx,
      );
    });
  }

  /** Deletes the key and its server user (identity, sessions). */
  async delete(app: AppRuntime, id: string, by: Operator, ip: string): Promise<void> {
    const key = await this.find(app, id);
    await this.store.transaction(async (tx) => {
      await tx.users.delete(app.id, key.userId);
      await this.audit.record(
        {
          appId: app.id,
          type: "api_key_delete",
          userId: key.userId,
          provider: "api-key",
          ip,
          result: "ok",
          detail: key.id,
          actor: by.name,
        },
        tx,
      );
    });
  }

  private async find(app: AppRuntime, id: string): Promise<ApiKeyRecord> {
    checkId(id, "API key id");
    const key = (await this.store.apiKeys.listServerKeys(app.id)).find((k) => k.id === id);
    if (!key) throw Errors.apiKeyNotFound();
    return key;
  }
}

const view = (k: ApiKeyRecord): ServerApiKeyView => ({ _id: k.id, name: k.name, disabled: k.disabled });
