import type { AppRuntime } from "../../apps/app-runtime.js";
import type { AuditLog } from "../../audit/audit-log.js";
import { Errors } from "../../errors.js";
import { hashSecret, newObjectId, newSecret } from "../../ids.js";
import type { Store } from "../../store/store.js";

/** Confirmation and reset tokens are valid for 30 minutes (App Services' rule). */
export const TOKEN_LIFETIME_MS = 30 * 60 * 1000;

/**
 * Issues a confirmation or reset token pair for an account (in `store`, which may be a transaction):
 * the secret `token` goes to the user, only its hash is stored; an older unused token of the same
 * purpose stops working.
 */
export async function issueToken(
  store: Store,
  app: AppRuntime,
  accountId: string,
  purpose: "confirm" | "reset",
  now: number,
): Promise<{ token: string; tokenId: string }> {
  const token = newSecret();
  const tokenId = newObjectId();
  await store.accounts.createToken(
    { id: tokenId, appId: app.id, accountId, purpose, tokenHash: hashSecret(token), expiresAt: now + TOKEN_LIFETIME_MS, usedAt: null },
    now,
  );
  return { token, tokenId };
}

/** What completing a token flow needs: where, which token, whose account, and what to audit. */
interface Completion {
  tx: Store;
  audit: AuditLog;
  app: AppRuntime;
  tokenId: string;
  accountId: string;
  ip: string;
  now: number;
  detail?: string;
}

/** Uses the confirmation token and confirms its account (a used token is `invalid token data`). */
export async function completeConfirmation(c: Completion): Promise<void> {
  if (!(await c.tx.accounts.consumeToken(c.tokenId, c.now))) throw Errors.invalidToken();
  await c.tx.accounts.markConfirmed(c.accountId, c.now);
  await c.audit.record(
    { appId: c.app.id, type: "confirm", provider: "local-userpass", ip: c.ip, result: "ok", detail: c.detail ?? null },
    c.tx,
  );
}

/** Uses the reset token, sets the new password and ends every session of the user. */
export async function completeReset(c: Completion & { passwordHash: string }): Promise<void> {
  if (!(await c.tx.accounts.consumeToken(c.tokenId, c.now))) throw Errors.invalidToken();
  await c.tx.accounts.setPasswordHash(c.accountId, c.passwordHash, c.now);
  const userId = await c.tx.users.findIdByIdentity(c.app.id, "local-userpass", c.accountId);
  // A reset means the old password may be known to someone else: end every session (OWASP).
  if (userId) await c.tx.sessions.revokeAllForUser(userId, c.now);
  await c.audit.record(
    {
      appId: c.app.id,
      type: "reset",
      userId: userId ?? null,
      provider: "local-userpass",
      ip: c.ip,
      result: "ok",
      detail: c.detail ?? null,
    },
    c.tx,
  );
}
