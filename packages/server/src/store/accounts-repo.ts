import type { Kysely } from "kysely";
import { PreparedQuery } from "./prepared.js";
import type { AccountRecord, OneTimeTokenRecord } from "./records.js";
import type { Database } from "./schema.js";

/** Email/password accounts and their one-time confirmation and reset tokens. */
export class AccountRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /** Inserts an account. Throws a unique violation if the email is taken in this app. */
  async create(account: AccountRecord): Promise<void> {
    await this.db
      .insertInto("userpass_accounts")
      .values({
        id: account.id,
        app_id: account.appId,
        email: account.email,
        email_key: account.emailKey,
        password_hash: account.passwordHash,
        confirmed: account.confirmed ? 1 : 0,
        created_at: account.createdAt,
        updated_at: account.createdAt,
      })
      .execute();
  }

  /** The account of an email (its normalised key) in an app: every email/password login reads it. */
  async findByEmailKey(appId: string, emailKey: string): Promise<AccountRecord | undefined> {
    const { rows } = await accountByEmailKey.run(this.db, { appId, emailKey });
    return rows[0] && toAccount(rows[0]);
  }

  async get(accountId: string): Promise<AccountRecord | undefined> {
    const row = await this.db.selectFrom("userpass_accounts").selectAll().where("id", "=", accountId).executeTakeFirst();
    return row && toAccount(row);
  }

  async markConfirmed(accountId: string, at: number): Promise<void> {
    await this.db.updateTable("userpass_accounts").set({ confirmed: 1, updated_at: at }).where("id", "=", accountId).execute();
  }

  async setPasswordHash(accountId: string, passwordHash: string, at: number): Promise<void> {
    await this.db
      .updateTable("userpass_accounts")
      .set({ password_hash: passwordHash, updated_at: at })
      .where("id", "=", accountId)
      .execute();
  }

  /** Changes an account's address (admin `reset_email`); a unique violation means the address is taken. */
  async changeEmail(accountId: string, email: string, emailKey: string, at: number): Promise<void> {
    await this.db
      .updateTable("userpass_accounts")
      .set({ email, email_key: emailKey, updated_at: at })
      .where("id", "=", accountId)
      .execute();
  }

  /** Pending (unconfirmed) accounts of an app in id order, after `after` (keyset pages). */
  async listPending(appId: string, after: string | undefined, limit: number): Promise<AccountRecord[]> {
    let query = this.db.selectFrom("userpass_accounts").selectAll().where("app_id", "=", appId).where("confirmed", "=", 0);
    if (after !== undefined) query = query.where("id", ">", after);
    const rows = await query.orderBy("id").limit(limit).execute();
    return rows.map(toAccount);
  }

  async delete(accountId: string): Promise<void> {
    await this.db.deleteFrom("one_time_tokens").where("account_id", "=", accountId).execute();
    await this.db.deleteFrom("userpass_accounts").where("id", "=", accountId).execute();
  }

  /** Stores a new token, voiding earlier unused tokens of the same purpose for the account (at `now`). */
  async createToken(token: OneTimeTokenRecord, now: number): Promise<void> {
    await this.db
      .updateTable("one_time_tokens")
      .set({ used_at: now })
      .where("account_id", "=", token.accountId)
      .where("purpose", "=", token.purpose)
      .where("used_at", "is", null)
      .execute();
    await this.db
      .insertInto("one_time_tokens")
      .values({
        id: token.id,
        app_id: token.appId,
        account_id: token.accountId,
        purpose: token.purpose,
        token_hash: token.tokenHash,
        expires_at: token.expiresAt,
        used_at: null,
      })
      .execute();
  }

  async getToken(tokenId: string): Promise<OneTimeTokenRecord | undefined> {
    const row = await this.db.selectFrom("one_time_tokens").selectAll().where("id", "=", tokenId).executeTakeFirst();
    if (!row) return undefined;
    return {
      id: row.id,
      appId: row.app_id,
      accountId: row.account_id,
      purpose: row.purpose as OneTimeTokenRecord["purpose"],
      tokenHash: row.token_hash,
      expiresAt: Number(row.expires_at),
      usedAt: row.used_at === null ? null : Number(row.used_at),
    };
  }

  /** Marks a token used; false if someone else used it first (single use under concurrency). */
  async consumeToken(tokenId: string, at: number): Promise<boolean> {
    const result = await this.db
      .updateTable("one_time_tokens")
      .set({ used_at: at })
      .where("id", "=", tokenId)
      .where("used_at", "is", null)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }
}

function toAccount(row: Database["userpass_accounts"]): AccountRecord {
  return {
    id: row.id,
    appId: row.app_id,
    email: row.email,
    emailKey: row.email_key,
    passwordHash: row.password_hash,
    confirmed: row.confirmed === 1,
    createdAt: Number(row.created_at),
  };
}

// Compiled once (see PreparedQuery): a login's account lookup, which Kysely would rebuild on each call.
const accountByEmailKey = new PreparedQuery((db: Kysely<Database>, p) =>
  db.selectFrom("userpass_accounts").selectAll().where("app_id", "=", p("appId")).where("email_key", "=", p("emailKey")),
);
