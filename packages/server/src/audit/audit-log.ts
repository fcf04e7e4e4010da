import type { Clock } from "../clock.js";
import type { AuditEvent } from "../store/records.js";
import { auditInsertStatements } from "../store/misc-repos.js";
import type { Store } from "../store/store.js";

/**
 * The event with its time, as one object shape whatever the caller passed (fields absent, in another
 * order, or extra): the insert reads nine fields of every event, and events of many shapes made each of
 * those reads a megamorphic lookup, ~3 µs of an anonymous login's two events.
 */
function stampedEvent(event: Omit<AuditEvent, "at">, at: number): AuditEvent {
  return {
    appId: event.appId,
    at,
    type: event.type,
    userId: event.userId ?? null,
    provider: event.provider ?? null,
    ip: event.ip ?? null,
    result: event.result,
    detail: event.detail ?? null,
    actor: event.actor ?? null,
  };
}

/** An event waiting for the next group commit, and the caller waiting for it. */
interface Pending {
  event: AuditEvent;
  resolve: () => void;
  reject: (error: unknown) => void;
}

/**
 * Records auth events (register, confirm, login, refresh, logout, delete, ...) in the store.
 *
 * Events recorded inside a transaction land with the change they record. Events recorded on their own
 * (refresh, failed logins) are group-committed: the events that arrive while one commit is being
 * written go into the next, in one transaction. Each caller still waits until its event is committed,
 * so no acknowledged event is lost; the store pays one commit per batch instead of one per request.
 */
export class AuditLog {
  private queue: Pending[] = [];
  private flushing = false;

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
  ) {}

  /** Appends an event, in `store` when it is a transaction, else through the group commit. */
  record(event: Omit<AuditEvent, "at">, store?: Store): Promise<void> {
    const stamped = stampedEvent(event, this.clock.now());
    if (store && store !== this.store) return store.audit.append(stamped);
    return new Promise((resolve, reject) => {
      this.queue.push({ event: stamped, resolve, reject });
      if (!this.flushing) void this.flush();
    });
  }

  /** Appends several events in one statement inside the transaction `tx` (a login's user_created and login). */
  recordAll(events: Omit<AuditEvent, "at">[], tx: Store): Promise<void> {
    const at = this.clock.now();
    return tx.audit.appendMany(events.map((event) => stampedEvent(event, at)));
  }

  list(query: { appId: string; type?: string; userId?: string; limit?: number }): Promise<AuditEvent[]> {
    return this.store.audit.list(query);
  }

  private async flush(): Promise<void> {
    this.flushing = true;
    // Let the requests of this event-loop turn join the batch.
    await new Promise<void>((resolve) => setImmediate(resolve));
    while (this.queue.length > 0) {
      const batch = this.queue;
      this.queue = [];
      try {
        // Multi-row inserts and one commit for the whole batch (on PostgreSQL a statement per event cost
        // a round trip each and held refresh to a few hundred per second). A batch that takes several
        // statements commits them together: a failure then leaves none of the batch written.
        const events = batch.map((pending) => pending.event);
        if (auditInsertStatements(events.length) > 1) await this.store.transaction((tx) => tx.audit.appendMany(events));
        else await this.store.audit.appendMany(events);
        for (const pending of batch) pending.resolve();
      } catch (error) {
        for (const pending of batch) pending.reject(error);
      }
    }
    this.flushing = false;
  }
}
