/** A unit of transactional work and the caller waiting for its commit. */
interface Unit<S> {
  work: (tx: S) => Promise<unknown>;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

/** How a {@link GroupCommit} batches. */
export interface GroupCommitOptions {
  /** Batches in flight at once (SQLite: 1, it has one connection; PostgreSQL: a share of the pool). */
  concurrency: number;
  /** Units per transaction at most, so one batch cannot hold the connection for long. */
  maxBatch: number;
}

/** Counters of a {@link GroupCommit} since it was made. */
export interface GroupCommitStats {
  /** Transactions that committed more than one unit. */
  batches: number;
  /** Units committed in those transactions. */
  batchedUnits: number;
  /** Batches rolled back (a unit threw, the commit failed, a deadlock) and re-run unit by unit. */
  rerun: number;
}

/**
 * Group commit: units of work submitted while a batch is being committed are run, one after another,
 * in the next transaction, which commits them together. The store then pays one commit (one WAL write
 * and sync on SQLite, one flush and two round trips on PostgreSQL) per batch instead of per unit.
 *
 * Durability is unchanged: a caller's promise settles only after the transaction holding its unit has
 * committed, so every acknowledged unit is in the store. Nothing waits on a timer: under light load each
 * unit is a batch of one, committed at once. If any unit of a batch throws (or the commit fails), the
 * whole batch is rolled back and each unit runs again in a transaction of its own, so one request's
 * failure never becomes another's, and a failing unit leaves nothing half-written. Units must therefore
 * be safe to run twice, as any transaction body that may be retried already is.
 */
export class GroupCommit<S> {
  private queue: Unit<S>[] = [];
  private flushers = 0;
  readonly stats: GroupCommitStats = { batches: 0, batchedUnits: 0, rerun: 0 };

  constructor(
    private readonly transaction: <T>(work: (tx: S) => Promise<T>) => Promise<T>,
    private readonly options: GroupCommitOptions,
  ) {}

  /** Runs `work` in a transaction shared with other units; resolves once that transaction committed. */
  run<T>(work: (tx: S) => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ work, resolve: resolve as (value: unknown) => void, reject });
      if (this.flushers < this.options.concurrency) void this.flush();
    });
  }

  private async flush(): Promise<void> {
    this.flushers++;
    try {
      // Node runs a request's promise chain to its end before it reads the next socket, so the writes of
      // one event-loop turn would otherwise never overlap: yield once (no timer) to let them join.
      await new Promise<void>((resolve) => setImmediate(resolve));
      while (this.queue.length > 0) {
        const batch = this.queue.splice(0, this.options.maxBatch);
        if (batch.length === 1) {
          await this.alone(batch[0]!);
          continue;
        }
        let results: unknown[];
        try {
          results = await this.transaction(async (tx) => {
            const out: unknown[] = [];
            for (const unit of batch) out.push(await unit.work(tx));
            return out;
          });
        } catch {
          this.stats.rerun++;
          for (const unit of batch) await this.alone(unit);
          continue;
        }
        this.stats.batches++;
        this.stats.batchedUnits += batch.length;
        for (let i = 0; i < batch.length; i++) batch[i]!.resolve(results[i]);
      }
    } finally {
      this.flushers--;
    }
  }

  private async alone(unit: Unit<S>): Promise<void> {
    try {
      unit.resolve(await this.transaction(unit.work));
    } catch (error) {
      unit.reject(error);
    }
  }
}
