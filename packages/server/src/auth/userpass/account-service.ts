import type { AppRuntime } from "../../apps/app-runtime.js";
import type { AuditLog } from "../../audit/audit-log.js";
import type { Clock } from "../../clock.js";
import { Errors } from "../../errors.js";
import { digestsEqual, hashSecret, newObjectId } from "../../ids.js";
import { linkWithToken, type Mailer } from "../../mail/mailer.js";
import type { RateLimiter } from "../../ratelimit/rate-limiter.js";
import type { AccountRecord } from "../../store/records.js";
import { isUniqueViolation, type Store } from "../../store/store.js";
import type { PasswordHasher } from "../password.js";
import type { UserpassFunctionFlows } from "./function-flows.js";
import { isRegistrableEmail, normalizeEmail } from "./email-address.js";
import { completeConfirmation, completeReset, issueToken } from "./one-time-tokens.js";

/** The email/password account flows of PROTOCOL.md §5, except login (see login-provider.ts). */
export class AccountService {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly hasher: PasswordHasher,
    private readonly mailer: Mailer,
    private readonly limiter: RateLimiter,
    private readonly audit: AuditLog,
    /** Present when functions can run: confirmation and reset by function. */
    private readonly flows?: UserpassFunctionFlows,
  ) {}

  /** `register`: creates a confirmed account (autoConfirm) or a pending one and mails the link. */
  async register(app: AppRuntime, given: string, password: string, ip: string): Promise<void> {
    const config = userpassConfig(app);
    // Stored and mailed as NFC: one account per address whichever normalisation the client sent.
    const email = normalizeEmail(given);
    validateEmail(email);
    validatePassword(password);
    const emailKey = app.emailKey(email);
    await this.limiter.check("register", app.id, ip, emailKey);
    const autoConfirm = config.autoConfirm === true;
    const byFunction = !autoConfirm && config.runConfirmationFunction === true;
    if (byFunction && !this.flows) throw Errors.flowFunctionsUnavailable();
    if (!autoConfirm && !byFunction) this.assertCanMail(config.emailConfirmationUrl, "emailConfirmationUrl");
    // Hash before the transaction: argon2 takes milliseconds and must not hold the database.
    const passwordHash = await this.hasher.hash(password);
    const now = this.clock.now();
    const account: AccountRecord = {
      id: newObjectId(),
      appId: app.id,
      email,
      emailKey,
      passwordHash,
      confirmed: autoConfirm,
      createdAt: now,
    };
    const byMail = !autoConfirm && !byFunction;
    let link: { token: string; tokenId: string } | undefined;
    try {
      // Grouped with other sign-ups and logins under load (store/group-commit.ts); durable before we answer.
      await this.store.grouped(async (tx) => {
        await tx.accounts.create(account);
        if (byMail) link = await issueToken(tx, app, account.id, "confirm", now);
        await this.audit.record(
          { appId: app.id, type: "register", provider: "local-userpass", ip, result: "ok", detail: autoConfirm ? "confirmed" : "pending" },
          tx,
        );
      });
    } catch (error) {
      if (isUniqueViolation(error)) {
        await this.audit.record({ appId: app.id, type: "register", provider: "local-userpass", ip, result: "AccountNameInUse" });
        throw Errors.accountNameInUse();
      }
      throw error;
    }
    if (byFunction) await this.flows!.confirmWithFunction(app, account, ip);
    if (link) {
      try {
        await this.mailConfirmation(app, email, link.token, link.tokenId);
      } catch (error) {
        // Undo the registration so the client can simply try again; nothing stays half-done.
        await this.store.accounts.delete(account.id);
        throw this.mailError(app, error);
      }
    }
  }

  /** `confirm`: completes a pending registration with the token pair from the link. */
  async confirm(app: AppRuntime, token: string, tokenId: string, ip: string): Promise<void> {
    const record = await this.checkToken(app, "confirm", token, tokenId);
    await this.store.transaction((tx) =>
      completeConfirmation({ tx, audit: this.audit, app, tokenId: record.id, accountId: record.accountId, ip, now: this.clock.now() }),
    );
  }

  /** `confirm/send`: mails a new confirmation link to a pending account. */
  async resendConfirmation(app: AppRuntime, email: string, ip: string): Promise<void> {
    const config = userpassConfig(app);
    const emailKey = app.emailKey(requireEmailShape(email));
    await this.limiter.check("confirm/send", app.id, ip, emailKey);
    // Before the lookup: a server that cannot mail answers alike for every address.
    this.assertCanMail(config.emailConfirmationUrl, "emailConfirmationUrl");
    const account = await this.store.accounts.findByEmailKey(app.id, emailKey);
    if (!account) throw Errors.userNotFound();
    if (account.confirmed) throw Errors.alreadyConfirmed();
    const { token, tokenId } = await issueToken(this.store, app, account.id, "confirm", this.clock.now());
    try {
      await this.mailConfirmation(app, account.email, token, tokenId);
    } catch (error) {
      throw this.mailError(app, error);
    }
    await this.audit.record({ appId: app.id, type: "confirm_send", provider: "local-userpass", ip, result: "ok" });
  }

  /** `confirm/call`: runs the confirmation function again for a pending account. */
  async retryConfirmationFunction(app: AppRuntime, email: string, ip: string): Promise<void> {
    const config = userpassConfig(app);
    const emailKey = app.emailKey(requireEmailShape(email));
    await this.limiter.check("confirm/call", app.id, ip, emailKey);
    if (config.autoConfirm === true) throw Errors.autoConfirmEnabled(email);
    // Before the lookup, or the answer would tell which addresses have accounts.
    if (config.runConfirmationFunction !== true || !this.flows) throw Errors.confirmNotByFunction();
    const account = await this.store.accounts.findByEmailKey(app.id, emailKey);
    if (!account) throw Errors.userNotFound();
    if (account.confirmed) throw Errors.alreadyConfirmed();
    await this.flows.confirmWithFunction(app, account, ip);
  }

  /** `reset/call`: runs the reset function with the new password and the client's extra arguments. */
  async resetWithFunction(app: AppRuntime, email: string, password: string, args: unknown[], ip: string): Promise<void> {
    const config = userpassConfig(app);
    validatePassword(password);
    const emailKey = app.emailKey(requireEmailShape(email));
    await this.limiter.check("reset/call", app.id, ip, emailKey);
    // Before the lookup, or the answer would tell which addresses have accounts.
    if (config.runResetFunction !== true || !this.flows) throw Errors.resetNotByFunction();
    const account = await this.store.accounts.findByEmailKey(app.id, emailKey);
    if (!account) throw Errors.userNotFound();
    await this.flows.resetWithFunction(app, account, password, args, ip);
  }

  /** `reset/send`: mails a password reset link. */
  async sendReset(app: AppRuntime, email: string, ip: string): Promise<void> {
    const config = userpassConfig(app);
    const emailKey = app.emailKey(requireEmailShape(email));
    await this.limiter.check("reset/send", app.id, ip, emailKey);
    if (config.runResetFunction === true) throw Errors.resetByFunction();
    // Before the lookup: a server that cannot mail answers alike for every address.
    this.assertCanMail(config.resetPasswordUrl, "resetPasswordUrl");
    const account = await this.store.accounts.findByEmailKey(app.id, emailKey);
    if (!account) throw Errors.userNotFound();
    const { token, tokenId } = await issueToken(this.store, app, account.id, "reset", this.clock.now());
    const subject = typeof config.resetPasswordSubject === "string" ? config.resetPasswordSubject : "Reset your password";
    const link = linkWithToken(String(config.resetPasswordUrl), token, tokenId);
    try {
      await this.mailer.send({
        to: account.email,
        subject,
        text: `To choose a new password for ${app.config.name}, open:\n\n${link}\n\nThe link is valid for 30 minutes.\n`,
      });
    } catch (error) {
      throw this.mailError(app, error);
    }
    await this.audit.record({ appId: app.id, type: "reset_send", provider: "local-userpass", ip, result: "ok" });
  }

  /** `reset`: sets a new password with the token pair from the link, and ends the user's sessions. */
  async reset(app: AppRuntime, token: string, tokenId: string, password: string, ip: string): Promise<void> {
    validatePassword(password);
    const record = await this.checkToken(app, "reset", token, tokenId);
    const passwordHash = await this.hasher.hash(password);
    await this.store.transaction((tx) =>
      completeReset({
        tx,
        audit: this.audit,
        app,
        tokenId: record.id,
        accountId: record.accountId,
        ip,
        now: this.clock.now(),
        passwordHash,
      }),
    );
  }

  private async checkToken(app: AppRuntime, purpose: "confirm" | "reset", token: string, tokenId: string) {
    userpassConfig(app);
    const record = await this.store.accounts.getToken(tokenId);
    const good =
      record !== undefined &&
      record.appId === app.id &&
      record.purpose === purpose &&
      record.usedAt === null &&
      record.expiresAt > this.clock.now() &&
      digestsEqual(record.tokenHash, hashSecret(token));
    if (!good) throw Errors.invalidToken();
    return record;
  }

  private async mailConfirmation(app: AppRuntime, email: string, token: string, tokenId: string): Promise<void> {
    const config = userpassConfig(app);
    const subject = typeof config.confirmEmailSubject === "string" ? config.confirmEmailSubject : "Confirm your email";
    const link = linkWithToken(String(config.emailConfirmationUrl), token, tokenId);
    await this.mailer.send({
      to: email,
      subject,
      text: `To confirm your account for ${app.config.name}, open:\n\n${link}\n\nThe link is valid for 30 minutes.\n`,
    });
  }

  private assertCanMail(url: unknown, field: string): void {
    if (typeof url !== "string" || url === "") throw Errors.userpassSettingMissing(field);
    if (!this.mailer.configured) throw Errors.mailNotConfigured();
  }

  private mailError(app: AppRuntime, error: unknown) {
    const detail = String((error as Error)?.message ?? error);
    // The mail error is what the caller needs to hear about; a failing audit write must not replace it.
    this.audit.record({ appId: app.id, type: "mail", provider: "local-userpass", result: "error", detail }).catch(() => {});
    return Errors.mailFailed();
  }
}

function userpassConfig(app: AppRuntime): Record<string, unknown> {
  const provider = app.provider("local-userpass");
  if (!provider) throw Errors.providerNotFound("local-userpass");
  return provider.config;
}

function validatePassword(password: string): void {
  const length = [...password].length;
  if (length < 6 || length > 128) throw Errors.passwordLength();
}

function requireEmailShape(email: string): string {
  if (email.length === 0 || email.length > 256) throw Errors.emailLength();
  return email;
}

function validateEmail(email: string): void {
  requireEmailShape(email);
  if (!isRegistrableEmail(email)) throw Errors.emailInvalid();
}
