import { randomInt, randomUUID } from "node:crypto";
import type { AuditLog } from "../audit/audit-log.js";
import type { Clock } from "../clock.js";
import { Errors } from "../errors.js";
import { digestsEqual, hashSecret, newObjectId } from "../ids.js";
import type { AdminKeyRecord } from "../store/admin-repo.js";
import type { Store } from "../store/store.js";

/** The app id admin-level audit events (logins, key changes) are filed under: no client app id has a colon. */
export const ADMIN_SCOPE = ":admin";

/** An operator key as listed (never the private part). */
export interface OperatorKeyView {
  id: string;
  username: string;
  name: string;
  createdAt: number;
  lastUsedAt: number | null;
}

/** A new operator key: the private part appears here and nowhere else. */
export interface CreatedOperatorKey extends OperatorKeyView {
  apiKey: string;
}

const NAME = /^[A-Za-z0-9_.@-]{1,64}$/;
const LETTERS = "abcdefghijklmnopqrstuvwxyz";

/**
 * Operator API keys: what `POST /auth/providers/mongodb-cloud/login` takes as `{username, apiKey}`. The
 * public part is 8 lower-case letters (the shape of an Atlas public key), the private part a random UUID
 * stored as its SHA-256.
 */
export class OperatorKeys {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly audit: AuditLog,
  ) {}

  async create(name?: string): Promise<CreatedOperatorKey> {
    const username = Array.from({ length: 8 }, () => LETTERS[randomInt(LETTERS.length)]).join("");
    const label = name ?? `operator-${username}`;
    if (!NAME.test(label)) throw Errors.operatorKeyNameInvalid();
    const apiKey = randomUUID();
    const record: AdminKeyRecord = {
      id: newObjectId(),
      username,
      name: label,
      keyHash: hashSecret(apiKey),
      createdAt: this.clock.now(),
      lastUsedAt: null,
    };
    await this.store.transaction(async (tx) => {
      await tx.admin.createKey(record);
      await this.audit.record({ appId: ADMIN_SCOPE, type: "admin_key_create", result: "ok", actor: label, detail: username }, tx);
    });
    return { ...view(record), apiKey };
  }

  async list(): Promise<OperatorKeyView[]> {
    return (await this.store.admin.listKeys()).map(view);
  }

  /** Deletes the key of that username (or, failing that, of that name) and ends its sessions. */
  async delete(usernameOrName: string): Promise<OperatorKeyView> {
    const keys = await this.store.admin.listKeys();
    const key = keys.find((k) => k.username === usernameOrName) ?? keys.find((k) => k.name === usernameOrName);
    if (!key) throw Errors.operatorKeyNotFound(usernameOrName);
    await this.store.transaction(async (tx) => {
      await tx.admin.deleteKey(key.id);
      await this.audit.record({ appId: ADMIN_SCOPE, type: "admin_key_delete", result: "ok", actor: key.name, detail: key.username }, tx);
    });
    return view(key);
  }

  /** The key these credentials name, or undefined. The private part is compared in constant time. */
  async verify(username: string, apiKey: string): Promise<AdminKeyRecord | undefined> {
    const key = await this.store.admin.keyByUsername(username);
    // An unknown username costs the same hash and comparison as a known one.
    const good = digestsEqual(key?.keyHash ?? "0".repeat(64), hashSecret(apiKey));
    return key && good ? key : undefined;
  }
}

const view = (k: AdminKeyRecord): OperatorKeyView => ({
  id: k.id,
  username: k.username,
  name: k.name,
  createdAt: k.createdAt,
  lastUsedAt: k.lastUsedAt,
});
