import type { Kysely } from "kysely";
import { AccountRepository } from "./accounts-repo.js";
import { AdminRepository, RuntimeSettingsRepository } from "./admin-repo.js";
import { ApiKeyRepository } from "./api-keys-repo.js";
import { openDatabase, type Connection, type Dialect } from "./connect.js";
import { AuditRepository, RateLimitRepository, SigningKeyRepository } from "./misc-repos.js";
import { OAuthStateRepository } from "./oauth-states-repo.js";
import type { Database } from "./schema.js";
import { RetentionRepository } from "./retention-repo.js";
import { SessionRepository } from "./sessions-repo.js";
import { AuditSearchRepository } from "./audit-search-repo.js";
import { UserSearchRepository } from "./user-search-repo.js";
import { UserRepository } from "./users-repo.js";

/**
 * Gatehouse's persistent state, behind one interface for SQLite and PostgreSQL. Services use the
 * repositories; a state change spanning several rows runs in `transaction`, which hands the callback a
 * Store bound to the transaction.
 */
export class Store {
  readonly users: UserRepository;
  readonly sessions: SessionRepository;
  readonly accounts: AccountRepository;
  readonly rateLimits: RateLimitRepository;
  readonly audit: AuditRepository;
  readonly signingKeys: SigningKeyRepository;
  readonly apiKeys: ApiKeyRepository;
  readonly retention: RetentionRepository;
  readonly admin: AdminRepository;
  readonly settings: RuntimeSettingsRepository;
  readonly userSearch: UserSearchRepository;
  readonly auditSearch: AuditSearchRepository;
  readonly oauthStates: OAuthStateRepository;

  private constructor(
    /** The Kysely handle (a transaction inside `transaction`). Exposed for modules with their own tables. */
    readonly db: Kysely<Database>,
    readonly dialect: Dialect,
    private readonly connection?: Connection,
  ) {
    this.users = new UserRepository(db);
    this.sessions = new SessionRepository(db);
    this.accounts = new AccountRepository(db);
    this.rateLimits = new RateLimitRepository(db);
    this.audit = new AuditRepository(db);
    this.signingKeys = new SigningKeyRepository(db);
    this.apiKeys = new ApiKeyRepository(db);
    this.retention = new RetentionRepository(db);
    this.admin = new AdminRepository(db);
    this.settings = new RuntimeSettingsRepository(db);
    this.userSearch = new UserSearchRepository(db, dialect);
    this.auditSearch = new AuditSearchRepository(db);
    this.oauthStates = new OAuthStateRepository(db);
  }

  /** Opens `sqlite:PATH` or `postgres://...`, migrating the schema to the latest version. */
  static async open(url: string): Promise<Store> {
    const connection = await openDatabase(url);
    return new Store(connection.db, connection.dialect, connection);
  }

  /** Where the store lives, without credentials. */
  get description(): string {
    return this.connection?.description ?? "transaction";
  }

  /**
   * Runs `work` in one transaction: all of its writes land, or none do. On SQLite shared by several
   * processes, a transaction that read before writing fails with SQLITE_BUSY when another process
   * committed in between (busy_timeout does not cover that case); it is run again, from the start.
   */
  async transaction<T>(work: (tx: Store) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.db.transaction().execute((trx) => work(new Store(trx, this.dialect)));
      } catch (error) {
        const code = (error as { code?: unknown })?.code;
        const busy = this.dialect === "sqlite" && typeof code === "string" && code.startsWith("SQLITE_BUSY");
        if (!busy || attempt >= 5) throw error;
        await new Promise((resolve) => setTimeout(resolve, attempt * 5 + Math.random() * 20));
      }
    }
  }

  async close(): Promise<void> {
    await this.db.destroy();
  }
}

export { isUniqueViolation } from "./connect.js";
export type * from "./records.js";
export type { ApiKeyRecord } from "./api-keys-repo.js";
export type { AdminKeyRecord, AdminSessionRecord } from "./admin-repo.js";
export type { UserQuery, UserOrder } from "./user-search-repo.js";
export type { AuditQuery, StoredAuditEvent } from "./audit-search-repo.js";
