import type { Clock } from "../clock.js";
import { isUniqueViolation, type Store } from "../store/store.js";
import type { FirebaseHashParams } from "./foreign-hashes.js";
import { findExisting, identityKey, insertUsers, type ExistingRows } from "./import-store.js";
import type { SourceEntry } from "./reader.js";
import { toImportUser, type ImportUser } from "./records.js";

/** Options of one import run. */
export interface ImportOptions {
  /** The client app id the users belong to. */
  appId: string;
  /** How the app compares emails (`AppRuntime.emailKey`): exact by default, as App Services did. */
  emailKey?: (email: string) => string;
  /** Stop at the first bad record or conflict, writing nothing of its batch. */
  strict?: boolean;
  /** Users per transaction. Default 1000. */
  batchSize?: number;
  firebase?: FirebaseHashParams;
  /** Called after each batch with the running counts. */
  onProgress?: (counts: ImportCounts) => void;
  /** Called for each record skipped as bad (`error`) or in conflict. */
  onIssue?: (issue: ImportIssue) => void;
  /** Who runs the import (an operator key's name), and from where: recorded in the audit log. */
  actor?: string;
  ip?: string;
}

/** Running totals of an import. */
export interface ImportCounts {
  /** Records read (good or bad). */
  read: number;
  imported: number;
  /** Already imported by an earlier run (same id, same identities). */
  skipped: number;
  /** Id, identity or email taken by another user. */
  conflicts: number;
  /** Records that are not valid users. */
  errors: number;
}

/** A record that was not imported, and why: `line N: <why>`. */
export interface ImportIssue {
  kind: "error" | "conflict";
  where: string;
  reason: string;
}

/** The outcome of a run. `stopped` is set when `strict` ended it early. */
export interface ImportReport extends ImportCounts {
  stopped?: ImportIssue;
}

/** Thrown inside a strict batch's classification to abandon the batch. */
class StrictStop extends Error {
  constructor(readonly issue: ImportIssue) {
    super(`${issue.where}: ${issue.reason}`);
  }
}

interface Pending {
  where: string;
  user: ImportUser;
}

/**
 * Imports users with their ids, identities, accounts and password hashes (`gatehouse users import`
 * and the admin API's import route). Records are validated one by one; valid ones are written in
 * batched transactions after one lookup per table, so a run is idempotent (users already there are
 * skipped) and can be resumed after an interruption by running it again.
 */
export class UserImportService {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
  ) {}

  async run(entries: AsyncIterable<SourceEntry>, options: ImportOptions): Promise<ImportReport> {
    const counts: ImportCounts = { read: 0, imported: 0, skipped: 0, conflicts: 0, errors: 0 };
    const batchSize = options.batchSize ?? 1000;
    const issue = (found: ImportIssue) => {
      if (found.kind === "error") counts.errors++;
      else counts.conflicts++;
      options.onIssue?.(found);
    };
    let batch: Pending[] = [];
    // One batch is written while the next is read and validated (the database and the parsing overlap);
    // writes stay one after another, so each batch's lookups see every earlier batch.
    let writing: Promise<void> | undefined;
    const write = async (full: Pending[]) => {
      if (writing) await writing;
      writing = this.writeBatch(full, options, counts, issue).then(() => options.onProgress?.({ ...counts }));
      writing.catch(() => {}); // awaited later; a failure must not surface as unhandled meanwhile
    };
    try {
      for await (const entry of entries) {
        counts.read++;
        const user = entry.error !== undefined ? entry.error : toImportUser(entry.value, options);
        if (typeof user === "string") {
          const found: ImportIssue = { kind: "error", where: entry.where, reason: user };
          if (options.strict) throw new StrictStop(found);
          issue(found);
          continue;
        }
        batch.push({ where: entry.where, user });
        if (batch.length >= batchSize) {
          await write(batch);
          batch = [];
        }
      }
      if (batch.length > 0) await write(batch);
      if (writing) await writing;
    } catch (caught) {
      let error = caught;
      // The write in flight finishes first; if it failed, that earlier batch's failure is the answer.
      if (writing && error !== undefined) {
        try {
          await writing;
        } catch (earlier) {
          error = earlier;
        }
      }
      if (!(error instanceof StrictStop)) throw error;
      issue(error.issue);
      options.onProgress?.({ ...counts });
      return { ...counts, stopped: error.issue };
    }
    options.onProgress?.({ ...counts });
    return counts;
  }

  /**
   * Classifies and writes one batch in one transaction. A concurrent writer (a live server's first
   * login) can take an identity between the lookup and the insert; the batch is then classified again.
   */
  private async writeBatch(batch: Pending[], options: ImportOptions, counts: ImportCounts, issue: (i: ImportIssue) => void) {
    const emailKey = options.emailKey ?? ((email: string) => email);
    for (let attempt = 1; ; attempt++) {
      try {
        const outcome = await this.store.transaction(async (tx) => {
          const existing = await findExisting(
            tx.db,
            options.appId,
            batch.map((p) => p.user),
            emailKey,
          );
          const { fresh, skipped, conflicts } = classify(batch, existing, options.appId, emailKey);
          if (options.strict && conflicts.length > 0) throw new StrictStop(conflicts[0]!);
          const now = this.clock.now();
          await insertUsers(tx.db, options.appId, fresh, emailKey, now, existing.devices);
          if (fresh.length > 0) {
            await tx.audit.append({
              appId: options.appId,
              at: now,
              type: "users_import",
              result: "ok",
              actor: options.actor ?? "cli",
              ip: options.ip ?? null,
              detail: `imported ${fresh.length} users (${batch[0]!.where} to ${batch.at(-1)!.where})`,
            });
          }
          return { imported: fresh.length, skipped, conflicts };
        });
        counts.imported += outcome.imported;
        counts.skipped += outcome.skipped;
        for (const conflict of outcome.conflicts) issue(conflict);
        return;
      } catch (error) {
        if (!isUniqueViolation(error) || attempt >= 3) throw error;
      }
    }
  }
}

/** Splits a batch into users to insert, users already imported, and conflicts (in file order). */
function classify(batch: Pending[], existing: ExistingRows, appId: string, emailKey: (email: string) => string) {
  const fresh: ImportUser[] = [];
  const conflicts: ImportIssue[] = [];
  let skipped = 0;
  // What earlier records of this batch claim, so two records of one file cannot both take it.
  const claimed = new Map<string, string>();
  const claim = (key: string, where: string) => {
    const earlier = claimed.get(key);
    if (earlier === undefined) claimed.set(key, where);
    return earlier;
  };
  for (const { where, user } of batch) {
    const conflict = (reason: string) => conflicts.push({ kind: "conflict", where, reason });
    const ownerApp = existing.userApps.get(user.id);
    if (ownerApp !== undefined) {
      const same =
        ownerApp === appId &&
        user.identities.every((i) => existing.identityOwners.get(identityKey(i.providerType, i.externalId)) === user.id);
      if (same) skipped++;
      else conflict(`user id ${user.id} is taken by another user`);
      continue;
    }
    const taken = user.identities.find((i) => existing.identityOwners.has(identityKey(i.providerType, i.externalId)));
    if (taken) {
      const owner = existing.identityOwners.get(identityKey(taken.providerType, taken.externalId));
      conflict(`identity ${taken.providerType} '${taken.externalId}' belongs to user ${owner}`);
      continue;
    }
    if (user.account && existing.emailOwners.has(emailKey(user.account.email))) {
      conflict(`email ${user.account.email} is taken by another user`);
      continue;
    }
    if (user.account && existing.accountIds.has(user.account.id)) {
      conflict(`local-userpass identity id ${user.account.id} is taken by another account`);
      continue;
    }
    if (user.apiKeys.some((k) => existing.apiKeys.has(k.id) || existing.apiKeys.has(k.keyHash))) {
      conflict("an API key of this user exists already");
      continue;
    }
    const keys = [
      `user\u0000${user.id}`,
      ...user.identities.map((i) => `identity\u0000${identityKey(i.providerType, i.externalId)}`),
      ...(user.account ? [`email\u0000${emailKey(user.account.email)}`, `account\u0000${user.account.id}`] : []),
      ...user.apiKeys.flatMap((k) => [`key\u0000${k.id}`, `key\u0000${k.keyHash}`]),
    ];
    const duplicateOf = keys.map((key) => claimed.get(key)).find((w) => w !== undefined);
    if (duplicateOf !== undefined) {
      conflict(`repeats the id, an identity or the email of ${duplicateOf}`);
      continue;
    }
    for (const key of keys) claim(key, where);
    fresh.push(user);
  }
  return { fresh, skipped, conflicts };
}
