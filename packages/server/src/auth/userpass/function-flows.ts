import type { AppFunctions } from "../../apps/app-functions.js";
import type { AppRuntime } from "../../apps/app-runtime.js";
import type { AuditLog } from "../../audit/audit-log.js";
import type { Clock } from "../../clock.js";
import { Errors, GatehouseError } from "../../errors.js";
import { hashSecret, newObjectId, newSecret } from "../../ids.js";
import type { AccountRecord } from "../../store/records.js";
import type { Store } from "../../store/store.js";
import type { PasswordHasher } from "../password.js";

const TOKEN_LIFETIME_MS = 30 * 60 * 1000;

/** What a confirmation or reset function decided. */
type FunctionStatus = "success" | "pending" | "fail";

/**
 * Email/password flows decided by the app's functions (`runConfirmationFunction`, `runResetFunction`):
 * the function gets a token pair and answers `{status: "success" | "pending" | "fail"}`. `pending`
 * leaves the token pair valid for the app to complete through `confirm` or `reset` (PROTOCOL.md §5).
 */
export class UserpassFunctionFlows {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly hasher: PasswordHasher,
    private readonly functions: AppFunctions,
    private readonly audit: AuditLog,
  ) {}

  /** Runs the confirmation function for a pending account; `fail` removes the account. */
  async confirmWithFunction(app: AppRuntime, account: AccountRecord, ip: string): Promise<void> {
    const name = functionName(app, "confirmationFunctionName");
    const { token, tokenId } = await this.newToken(app, account.id, "confirm");
    let status: FunctionStatus;
    try {
      status = await this.run(app, name, [{ token, tokenId, username: account.email }]);
    } catch (error) {
      await this.store.accounts.delete(account.id);
      throw error;
    }
    if (status === "success") {
      await this.store.transaction(async (tx) => {
        await tx.accounts.consumeToken(tokenId, this.clock.now());
        await tx.accounts.markConfirmed(account.id, this.clock.now());
        await this.audit.record(
          { appId: app.id, type: "confirm", provider: "local-userpass", ip, result: "ok", detail: "by function" },
          tx,
        );
      });
    } else if (status === "fail") {
      await this.store.accounts.delete(account.id);
      await this.audit.record({
        appId: app.id,
        type: "confirm",
        provider: "local-userpass",
        ip,
        result: "BadRequest",
        detail: "function said fail",
      });
      throw Errors.badRequest(`failed to confirm user "${account.email}"`);
    }
  }

  /** `reset/call`: runs the reset function; `success` sets the password at once. */
  async resetWithFunction(app: AppRuntime, account: AccountRecord, password: string, args: unknown[], ip: string): Promise<void> {
    const name = functionName(app, "resetFunctionName");
    const currentPasswordValid = await this.hasher.verify(account.passwordHash, password);
    const { token, tokenId } = await this.newToken(app, account.id, "reset");
    const status = await this.run(app, name, [{ token, tokenId, username: account.email, password, currentPasswordValid }, ...args]);
    if (status === "fail") {
      await this.audit.record({
        appId: app.id,
        type: "reset",
        provider: "local-userpass",
        ip,
        result: "BadRequest",
        detail: "function said fail",
      });
      throw Errors.badRequest(`failed to reset password for user "${account.email}"`);
    }
    if (status === "pending") return;
    const passwordHash = await this.hasher.hash(password);
    await this.store.transaction(async (tx) => {
      const now = this.clock.now();
      await tx.accounts.consumeToken(tokenId, now);
      await tx.accounts.setPasswordHash(account.id, passwordHash, now);
      const userId = await tx.users.findIdByIdentity(app.id, "local-userpass", account.id);
      if (userId) await tx.sessions.revokeAllForUser(userId, now);
      await this.audit.record(
        { appId: app.id, type: "reset", userId: userId ?? null, provider: "local-userpass", ip, result: "ok", detail: "by function" },
        tx,
      );
    });
  }

  private async newToken(app: AppRuntime, accountId: string, purpose: "confirm" | "reset") {
    const token = newSecret();
    const tokenId = newObjectId();
    await this.store.accounts.createToken({
      id: tokenId,
      appId: app.id,
      accountId,
      purpose,
      tokenHash: hashSecret(token),
      expiresAt: this.clock.now() + TOKEN_LIFETIME_MS,
      usedAt: null,
    });
    return { token, tokenId };
  }

  private async run(app: AppRuntime, name: string, args: unknown[]): Promise<FunctionStatus> {
    const runtime = this.functions.runtime(app);
    if (!runtime || !this.functions.callable(app, name)) throw Errors.badRequest(`function '${name}' is not available`);
    const result = (await runtime.call(name, args, { user: null, fromClient: false, runAsSystem: true })) as { status?: unknown } | null;
    const status = result && typeof result === "object" ? result.status : undefined;
    if (status === "success" || status === "pending" || status === "fail") return status;
    throw new GatehouseError("FunctionExecutionError", 400, `function '${name}' must return {status: "success" | "pending" | "fail"}`);
  }
}

function functionName(app: AppRuntime, key: "confirmationFunctionName" | "resetFunctionName"): string {
  const name = app.provider("local-userpass")?.config[key];
  if (typeof name !== "string" || name === "") throw Errors.badRequest(`the app's local-userpass provider has no ${key}`);
  return name;
}
