import type { AuditLog } from "../audit/audit-log.js";
import type { Clock } from "../clock.js";
import { Errors } from "../errors.js";
import { hashSecret, newObjectId, newSecret } from "../ids.js";
import type { RefreshContext } from "../sessions/session-service.js";
import type { ApiKeyRecord } from "../store/api-keys-repo.js";
import { isUniqueViolation, type Store } from "../store/store.js";

/** An API key as the client API shows it: `_id` a plain hex string, `disabled` a boolean (PROTOCOL.md §9). */
export interface ApiKeyView {
  _id: string;
  name: string;
  disabled: boolean;
}

const MAX_KEYS_PER_USER = 20;
const NAME = /^[A-Za-z0-9_-]+$/;

/** User API keys: created, listed, enabled, disabled and deleted by their owner (with its refresh token). */
export class ApiKeyService {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly audit: AuditLog,
  ) {}

  /** Creates a key; the secret is in this answer only. */
  async create(caller: RefreshContext, name: string): Promise<ApiKeyView & { key: string }> {
    const { app, session } = caller;
    if (!app.provider("api-key")) throw Errors.providerNotFound("api-key");
    if (!NAME.test(name) || name.length > 64) throw Errors.apiKeyNameInvalid();
    const user = await this.store.users.get(app.id, session.userId);
    if (!user) throw Errors.sessionNotFound();
    if (user.identities.every((i) => i.providerType === "anon-user")) {
      throw Errors.apiKeyAnonymousUser();
    }
    if ((await this.store.apiKeys.countOf(user.id)) >= MAX_KEYS_PER_USER) {
      throw Errors.apiKeyLimit(MAX_KEYS_PER_USER);
    }
    const key = newSecret(48);
    const record: ApiKeyRecord = {
      id: newObjectId(),
      appId: app.id,
      userId: user.id,
      name,
      keyHash: hashSecret(key),
      disabled: false,
      createdAt: this.clock.now(),
    };
    try {
      await this.store.transaction(async (tx) => {
        await tx.apiKeys.create(record);
        await this.audit.record(
          { appId: app.id, type: "api_key_create", userId: user.id, provider: "api-key", result: "ok", detail: name },
          tx,
        );
      });
    } catch (error) {
      if (isUniqueViolation(error)) throw Errors.apiKeyAlreadyExists(name);
      throw error;
    }
    return { ...view(record), key };
  }

  async list(caller: RefreshContext): Promise<ApiKeyView[]> {
    return (await this.store.apiKeys.listOf(caller.session.userId)).map(view);
  }

  async get(caller: RefreshContext, id: string): Promise<ApiKeyView> {
    const record = await this.store.apiKeys.getOf(caller.session.userId, id);
    if (!record) throw Errors.apiKeyNotFound();
    return view(record);
  }

  /** Disabling a key also ends the sessions it opened: a leaked key must stop working at once. */
  async setDisabled(caller: RefreshContext, id: string, disabled: boolean): Promise<void> {
    const userId = caller.session.userId;
    await this.store.transaction(async (tx) => {
      if (!(await tx.apiKeys.setDisabled(userId, id, disabled))) throw Errors.apiKeyNotFound();
      if (disabled) await tx.sessions.revokeByIdentity(userId, "api-key", id, this.clock.now());
      const type = disabled ? "api_key_disable" : "api_key_enable";
      await this.audit.record({ appId: caller.app.id, type, userId, provider: "api-key", result: "ok", detail: id }, tx);
    });
  }

  /** Deleting a key that does not exist succeeds silently, as App Services did. */
  async delete(caller: RefreshContext, id: string): Promise<void> {
    await this.store.transaction(async (tx) => {
      await tx.apiKeys.delete(caller.session.userId, id);
      // The key's identity and the sessions it opened go too: the key can never act again.
      await tx.users.removeIdentity(caller.app.id, "api-key", id);
      await tx.sessions.revokeByIdentity(caller.session.userId, "api-key", id, this.clock.now());
      await this.audit.record(
        { appId: caller.app.id, type: "api_key_delete", userId: caller.session.userId, provider: "api-key", result: "ok", detail: id },
        tx,
      );
    });
  }
}

const view = (record: ApiKeyRecord): ApiKeyView => ({ _id: record.id, name: record.name, disabled: record.disabled });
