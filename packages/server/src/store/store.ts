import type { Kysely } from "kysely";
import { AccountRepository } from "./accounts-repo.js";
import { AdminRepository, RuntimeSettingsRepository } from "./admin-repo.js";
import { AdminStatsRepository } from "./admin-stats-repo.js";
import { ApiKeyRepository } from "./api-keys-repo.js";
import { sql } from "kysely";
import { StoreUnavailableError } from "../errors.js";
import { latestMigration, openDatabase, type Connection, type DatabaseOptions, type Dialect } from "./connect.js";
import { AuditRepository, RateLimitRepository, SigningKeyRepository } from "./misc-repos.js";
import { OAuthStateRepository } from "./oauth-states-repo.js";
import type { Database } from "./schema.js";
import { RetentionRepository } from "./retention-repo.js";
import { SessionRepository } from "./sessions-repo.js";
import { AuditSearchRepository } from "./audit-search-repo.js";
import { UserSearchRepository } from "./user-search-repo.js";
import { UserRepository } from "./users-repo.js";
import { GroupCommit, type GroupCommitStats } from "./group-commit.js";
import { withTransactionStatements } from "./transaction-statements.js";

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
  readonly adminStats: AdminStatsRepository;
  /** The root store's group commit (undefined on a transaction-bound store, which runs work inline). */
  private readonly group?: GroupCommit<Store>;

  private constructor(
    /** The Kysely handle (a transaction inside `transaction`). Exposed for modules with their own tables. */
    readonly db: Kysely<Database>,
    readonly dialect: Dialect,
    private readonly connection?: Connection,
  ) {
    this.users = new UserRepository(db);
    // Outside a transaction only: inside one, a read must see the transaction's own writes.
    this.sessions = new SessionRepository(db, connection?.reader);
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
    this.adminStats = new AdminStatsRepository(db);
    if (connection) {
      // SQLite runs one batch at a time (it has one connection): there a commit writes every touched page
      // to the WAL, and grouping cut an anonymous login's CPU by ~3x. PostgreSQL runs batches on half the
      // pool, leaving the rest to reads and ungrouped writes; there grouping saves each unit its BEGIN and
      // COMMIT round trips and its own WAL flush. Units create their own rows, so batches side by side do
      // not wait on each other (the user counter's trigger appends instead of locking: store/user-counts.ts).
      const concurrency = dialect === "sqlite" ? 1 : Math.max(1, Math.floor(connection.poolSize / 2));
      this.group = new GroupCommit<Store>((work) => this.transaction(work), { concurrency, maxBatch: 32 });
    }
  }

  /** Opens `sqlite:PATH` or `postgres://...`, migrating the schema to the latest version. */
  static async open(url: string, options: DatabaseOptions = {}): Promise<Store> {
    const connection = await openDatabase(url, options);
    return new Store(connection.db, connection.dialect, connection);
  }

  /** Where the store lives, without credentials. */
  get description(): string {
    return this.connection?.description ?? "transaction";
  }

  /**
   * Whether the database answers and has run this build's newest migration (one indexed read). Throws a
   * {@link StoreUnavailableError} when it cannot be reached; resolves false when its schema is behind.
   */
  async ready(): Promise<boolean> {
    const latest = latestMigration(this.dialect);
    const result = await sql<{ name: string }>`select name from kysely_migration where name = ${latest}`.execute(this.db);
    return result.rows.length === 1;
  }

  /** Live sessions (not revoked, not expired) across all apps, for the `gatehouse_active_sessions` gauge. */
  async countActiveSessions(now: number): Promise<number> {
    const row = await this.db
      .selectFrom("sessions")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .where("expires_at", ">", now)
      .where("revoked_at", "is", null)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  /**
   * Runs `work` in one transaction: all of its writes land, or none do. On SQLite shared by several
   * processes, a transaction that read before writing fails with SQLITE_BUSY when another process
   * committed in between (busy_timeout does not cover that case); it is run again, from the start.
   */
  async transaction<T>(work: (tx: Store) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.db
          .transaction()
          .execute((trx) => withTransactionStatements(trx, this.connection?.statements, () => work(new Store(trx, this.dialect))));
      } catch (error) {
        const busy = this.dialect === "sqlite" && error instanceof StoreUnavailableError && error.fault === "busy";
        if (!busy || attempt >= 5) throw error;
        await new Promise((resolve) => setTimeout(resolve, attempt * 5 + Math.random() * 20));
      }
    }
  }

  /**
   * Like {@link transaction}, for the hot writes (logins, sign-ups): `work` may share its transaction
   * with other callers' (see {@link GroupCommit}), so it must touch only rows of its own request and be
   * safe to run twice. Resolves after the commit, like `transaction`. Inside a transaction it runs inline.
   */
  grouped<T>(work: (tx: Store) => Promise<T>): Promise<T> {
    return this.group ? this.group.run(work) : work(this);
  }

  /**
   * Like {@link grouped}, for units that update rows many requests share (rate-limit counters). Grouped
   * on SQLite, where one writer means nobody waits on a row. On PostgreSQL in a transaction of its own:
   * a shared row locked inside a batch would hold every other batch wanting it until that batch commits,
   * and two batches taking two such rows in opposite orders (two routes' counters of one IP) deadlock.
   */
  counters<T>(work: (tx: Store) => Promise<T>): Promise<T> {
    if (this.dialect === "postgres" && this.connection) return this.transaction(work);
    return this.grouped(work);
  }

  /** How the group commit has batched so far (undefined inside a transaction). */
  get groupCommitStats(): Readonly<GroupCommitStats> | undefined {
    return this.group?.stats;
  }

  async close(): Promise<void> {
    await this.connection?.walPresync?.stop();
    await this.db.destroy();
    await this.connection?.reader.close();
    await this.connection?.walPresync?.close();
  }
}

export { isUniqueViolation } from "./connect.js";
export type * from "./records.js";
export type { ApiKeyRecord } from "./api-keys-repo.js";
export type { AdminKeyRecord, AdminSessionRecord } from "./admin-repo.js";
export type { UserQuery, UserOrder } from "./user-search-repo.js";
export type { AuditQuery, StoredAuditEvent } from "./audit-search-repo.js";
export type { AuditStatsQuery, AuditStatsRow } from "./admin-stats-repo.js";
