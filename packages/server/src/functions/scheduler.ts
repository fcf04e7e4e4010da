/**
 * Admission of function calls into one lane of the pool (pool.ts): per-app and per-user concurrency
 * limits, and a queue in the main thread for calls that must wait. A waiting call has not started, so
 * none of its time limit is used; calls are started in arrival order among those whose app and user
 * are below their limits, so one app's or one user's backlog never blocks anyone else's calls.
 */
import { FunctionExecutionError } from "./errors.js";

/** Limits of one lane. */
export interface AdmissionLimits {
  /** Calls of one user in flight at once. */
  perUser: number;
  /** Calls of one app in flight at once. */
  perApp: number;
  /** Calls of one app waiting at once; beyond, a call fails at once with `functionQueueFull`. */
  maxQueuedPerApp: number;
}

/** One call asking to run. */
export interface Ticket {
  appKey: string;
  /** `undefined` for calls made for nobody (triggers, auth functions): only the app's limit applies. */
  userKey?: string;
  /** Starts the call on the worker `place` found. */
  start(worker: unknown): void;
  reject(error: FunctionExecutionError): void;
}

/** A call a worker gave back unstarted (pool.ts): still admitted, waiting to be placed again. */
export interface HandedBack {
  ticket: Ticket;
  /** Given back by its own caller's long run: it may wait for a regular worker, never take a surge one. */
  regularOnly: boolean;
}

/**
 * Decides when each call of a lane may start. `place` returns a worker that can take a call now
 * (not held by a long synchronous run; with `regularOnly`, not a surge worker either), or undefined
 * when none can — then the call waits.
 */
export class Admission {
  /** Calls running per app and per user (two maps: app and user keys never meet). */
  private readonly runningApps = new Map<string, number>();
  private readonly runningUsers = new Map<string, number>();
  private readonly queue: Ticket[] = [];
  private readonly queued = new Map<string, number>();
  /** Admitted calls given back by a worker, placed before any new call. */
  private readonly handedBack: HandedBack[] = [];

  constructor(
    private readonly limits: AdmissionLimits,
    private readonly place: (regularOnly: boolean) => unknown,
  ) {}

  /** Calls waiting in this lane. */
  get waiting(): number {
    return this.queue.length + this.handedBack.length;
  }

  submit(ticket: Ticket): void {
    const waitingOfApp = this.queued.get(ticket.appKey) ?? 0;
    if (waitingOfApp >= this.limits.maxQueuedPerApp) {
      return ticket.reject(
        new FunctionExecutionError(`too many function calls waiting for this app (${this.limits.maxQueuedPerApp})`, "functionQueueFull"),
      );
    }
    this.queue.push(ticket);
    this.queued.set(ticket.appKey, waitingOfApp + 1);
    this.pump();
  }

  /** A started call ended (settled or failed). */
  finished(ticket: Ticket): void {
    bump(this.runningApps, ticket.appKey, -1);
    if (ticket.userKey !== undefined) bump(this.runningUsers, ticket.userKey, -1);
    this.pump();
  }

  /**
   * Calls that were started on a worker but never began there: they keep their place in their app's
   * and user's counts (they are still in flight for them) and are placed again before new calls.
   */
  handBack(calls: HandedBack[]): void {
    this.handedBack.push(...calls);
    this.pump();
  }

  /** Takes back every waiting call (the pool is closing). */
  drain(): Ticket[] {
    this.queued.clear();
    return [...this.handedBack.splice(0).map((back) => back.ticket), ...this.queue.splice(0)];
  }

  /** Starts waiting calls while workers can take them. */
  pump(): void {
    for (let i = 0; i < this.handedBack.length;) {
      const back = this.handedBack[i]!;
      const worker = this.place(back.regularOnly);
      if (worker === undefined) {
        i++;
        continue;
      }
      this.handedBack.splice(i, 1);
      back.ticket.start(worker);
    }
    for (let i = 0; i < this.queue.length;) {
      const ticket = this.queue[i]!;
      if (!this.admissible(ticket)) {
        i++;
        continue;
      }
      const worker = this.place(false);
      if (worker === undefined) return;
      this.queue.splice(i, 1);
      const left = (this.queued.get(ticket.appKey) ?? 1) - 1;
      if (left > 0) this.queued.set(ticket.appKey, left);
      else this.queued.delete(ticket.appKey);
      bump(this.runningApps, ticket.appKey, 1);
      if (ticket.userKey !== undefined) bump(this.runningUsers, ticket.userKey, 1);
      ticket.start(worker);
    }
  }

  private admissible(ticket: Ticket): boolean {
    if ((this.runningApps.get(ticket.appKey) ?? 0) >= this.limits.perApp) return false;
    return ticket.userKey === undefined || (this.runningUsers.get(ticket.userKey) ?? 0) < this.limits.perUser;
  }
}

function bump(counts: Map<string, number>, key: string, by: number): void {
  const next = (counts.get(key) ?? 0) + by;
  if (next > 0) counts.set(key, next);
  else counts.delete(key);
}
