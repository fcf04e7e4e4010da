import type { Clock } from "../clock.js";
import type { AuditEvent } from "../store/records.js";
import type { Store } from "../store/store.js";

/** What a service knows about the request behind an event. */
export interface RequestInfo {
  ip: string;
}

/** Records auth events (register, confirm, login, refresh, logout, delete, ...) in the store. */
export class AuditLog {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
  ) {}

  /** Appends an event. `store` may be a transaction, so the event lands with the change it records. */
  async record(event: Omit<AuditEvent, "at">, store: Store = this.store): Promise<void> {
    await store.audit.append({ ...event, at: this.clock.now() });
  }

  list(query: { appId: string; type?: string; userId?: string; limit?: number }): Promise<AuditEvent[]> {
    return this.store.audit.list(query);
  }
}
