import type { AppFunctions } from "../../apps/app-functions.js";
import type { AppRuntime } from "../../apps/app-runtime.js";
import type { AuditLog } from "../../audit/audit-log.js";
import type { Clock } from "../../clock.js";
import { Errors } from "../../errors.js";
import type { AccountRecord } from "../../store/records.js";
import type { Store } from "../../store/store.js";
import type { PasswordHasher } from "../password.js";
import { completeConfirmation, completeReset, issueToken } from "./one-time-tokens.js";

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
    const { token, tokenId } = await issueToken(this.store, app, account.id, "confirm", this.clock.now());
    let status: FunctionStatus;
    try {
      status = await this.run(app, name, [{ token, tokenId, username: account.email }]);
    } catch (error) {
      await this.store.accounts.delete(account.id);
      throw error;
    }
    if (status === "success") {
      await this.store.transaction((tx) =>
        completeConfirmation({
          tx,
          audit: this.audit,
          app,
          tokenId,
          accountId: account.id,
          ip,
          now: this.clock.now(),
          detail: "by function",
        }),
      );
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
      throw Errors.confirmFailed(account.email);
    }
  }

  /** `reset/call`: runs the reset function; `success` sets the password at once. */
  async resetWithFunction(app: AppRuntime, account: AccountRecord, password: string, args: unknown[], ip: string): Promise<void> {
    const name = functionName(app, "resetFunctionName");
    const currentPasswordValid = await this.hasher.verify(account.passwordHash, password);
    const { token, tokenId } = await issueToken(this.store, app, account.id, "reset", this.clock.now());
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
      throw Errors.resetFailed(account.email);
    }
    if (status === "pending") return;
    const passwordHash = await this.hasher.hash(password);
    await this.store.transaction((tx) =>
      completeReset({
        tx,
        audit: this.audit,
        app,
        tokenId,
        accountId: account.id,
        ip,
        now: this.clock.now(),
        passwordHash,
        detail: "by function",
      }),
    );
  }

  private async run(app: AppRuntime, name: string, args: unknown[]): Promise<FunctionStatus> {
    const runtime = this.functions.runtime(app);
    if (!runtime || !this.functions.callable(app, name)) throw Errors.flowFunctionUnavailable(name);
    const result = (await runtime.call(name, args, { user: null, fromClient: false, runAsSystem: true, lane: "auth" })) as {
      status?: unknown;
    } | null;
    const status = result && typeof result === "object" ? result.status : undefined;
    if (status === "success" || status === "pending" || status === "fail") return status;
    throw Errors.flowFunctionBadResult(name);
  }
}

function functionName(app: AppRuntime, key: "confirmationFunctionName" | "resetFunctionName"): string {
  const name = app.provider("local-userpass")?.config[key];
  if (typeof name !== "string" || name === "") throw Errors.userpassSettingMissing(key);
  return name;
}
