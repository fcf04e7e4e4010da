import type { AppRuntime } from "../apps/app-runtime.js";
import type { AuditLog } from "../audit/audit-log.js";
import type { AccountService } from "../auth/userpass/account-service.js";
import type { Clock } from "../clock.js";
import { Errors } from "../errors.js";
import type { AccountRecord } from "../store/records.js";
import type { Store } from "../store/store.js";
import type { Operator } from "./admin-sessions.js";
import { checkId, PAGE_SIZE } from "./admin-users.js";

/** A pending registration as App Services listed it (PROTOCOL.md §11.2). */
export interface PendingUserView {
  _id: string;
  domain_id: string;
  user_id: "";
  login_ids: { id_type: "email"; id: string }[];
  /** Gatehouse addition: when the registration was made, in seconds. */
  creation_date: number;
}

/** Email/password registrations waiting for confirmation, found by email as the app compares emails. */
export class PendingRegistrations {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly accounts: AccountService,
    private readonly audit: AuditLog,
  ) {}

  async list(app: AppRuntime, after: string | undefined, limit = PAGE_SIZE): Promise<PendingUserView[]> {
    const rows = await this.store.accounts.listPending(
      app.id,
      after === undefined ? undefined : checkId(after, "after"),
      Math.min(limit, PAGE_SIZE),
    );
    return rows.map((a) => view(app, a));
  }

  /** Confirms a pending registration as the operator: the user can log in at once. */
  async confirm(app: AppRuntime, email: string, by: Operator, ip: string): Promise<void> {
    const account = await this.pending(app, email);
    const now = this.clock.now();
    await this.store.transaction(async (tx) => {
      await tx.accounts.markConfirmed(account.id, now);
      await this.audit.record(
        { appId: app.id, type: "confirm", provider: "local-userpass", ip, result: "ok", detail: "by admin", actor: by.name },
        tx,
      );
    });
  }

  /** Mails a new confirmation link (the app's `emailConfirmationUrl`). */
  async sendConfirmation(app: AppRuntime, email: string, by: Operator, ip: string): Promise<void> {
    await this.pending(app, email);
    await this.accounts.resendConfirmation(app, email, ip);
    await this.audit.record({
      appId: app.id,
      type: "confirm_send",
      provider: "local-userpass",
      ip,
      result: "ok",
      detail: "by admin",
      actor: by.name,
    });
  }

  /** Runs the app's confirmation function again (400 if the app confirms otherwise). */
  async runConfirmation(app: AppRuntime, email: string, by: Operator, ip: string): Promise<void> {
    await this.pending(app, email);
    await this.accounts.retryConfirmationFunction(app, email, ip);
    await this.audit.record({
      appId: app.id,
      type: "confirm_call",
      provider: "local-userpass",
      ip,
      result: "ok",
      detail: "by admin",
      actor: by.name,
    });
  }

  /** Deletes a pending registration (its tokens too); the address can register again. */
  async delete(app: AppRuntime, email: string, by: Operator, ip: string): Promise<void> {
    const account = await this.pending(app, email);
    await this.store.transaction(async (tx) => {
      await tx.accounts.delete(account.id);
      await this.audit.record(
        { appId: app.id, type: "registration_delete", provider: "local-userpass", ip, result: "ok", detail: "by admin", actor: by.name },
        tx,
      );
    });
  }

  /** The pending account of that email: 404 if none, 400 if it is already confirmed. */
  private async pending(app: AppRuntime, email: string): Promise<AccountRecord> {
    if (!app.provider("local-userpass")) throw Errors.providerNotFound("local-userpass");
    const account = await this.store.accounts.findByEmailKey(app.id, app.emailKey(email));
    if (!account) throw Errors.userNotFound();
    if (account.confirmed) throw Errors.alreadyConfirmed();
    return account;
  }
}

const view = (app: AppRuntime, a: AccountRecord): PendingUserView => ({
  _id: a.id,
  domain_id: app.config.domainId,
  user_id: "",
  login_ids: [{ id_type: "email", id: a.email }],
  creation_date: Math.floor(a.createdAt / 1000),
});
