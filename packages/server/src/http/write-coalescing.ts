import type { FastifyReply, FastifyRequest } from "fastify";

type Done = (error: Error | null, payload?: unknown) => void;

declare module "fastify" {
  interface FastifyRequest {
    /** The turn of the event loop this request arrived in ({@link ResponseWrites}); -1 before its hooks ran. */
    writeTurn: number;
  }
}

/** The value `writeTurn` is decorated with: set on every request's object when it is made, so its shape stays one. */
export const NO_WRITE_TURN = -1;

/**
 * Writes the responses that one turn of the event loop produces while it reads requests back to back,
 * once that turn's reads are over (its `setImmediate` phase), instead of each as its handler ends.
 *
 * Why: when the client is on the same machine (a reverse proxy, a load generator), each socket write on
 * loopback runs the receiving side's network stack in the writer's system call and wakes the reader
 * waiting there; in a virtual machine that wake-up is the dearest part of a request. A profile request
 * ends in microseconds, so one turn reads a request, answers it, and reads the next: every answer found
 * the client asleep again. Held to the end of the reads, the first write of the turn wakes the client and
 * the others find it awake. Measured in docs/performance.md ("Session 12 (lead)"): over a quarter more
 * profile requests a second, ~13 µs less CPU each.
 *
 * Only an answer to a request read in the same turn is held. Any other is written at once: the answers of
 * a batch that commits in the check phase (store/group-commit.ts, the audit flush) or that a function
 * worker's reply settles already leave together, and holding them would cost them a turn, or hold back a
 * caller limited to a few calls in flight. Nothing waits on a timer, and a held answer waits at most for
 * the rest of the turn it was produced in: on an idle server that is the one request.
 */
export class ResponseWrites {
  /** Counts the turns that read requests; a request's `writeTurn` is the count when it arrived. */
  private turn = 0;
  private endArmed = false;
  /** `done` and payload, in pairs, in the order their responses were sent. */
  private held: unknown[] = [];

  /** @param onError told of a write that threw, so that the others still go out. */
  constructor(private readonly onError: (error: unknown) => void) {}

  /** Call as each request arrives (from an `onRequest` hook): stamps it with this turn. */
  requestArrived(request: FastifyRequest): void {
    request.writeTurn = this.turn;
    if (this.endArmed) return;
    this.endArmed = true;
    // Armed before any batch the turn's requests start, so it runs first in the check phase: from then on
    // the answers those batches resolve are written as they come.
    setImmediate(this.readsEnded);
  }

  /** The `onSend` hook: holds an answer to a request of this turn, passes any other through. */
  readonly onSend = (request: FastifyRequest, _reply: FastifyReply, payload: unknown, done: Done): void => {
    // A request of an earlier turn carries a smaller count: the check phase moved it on.
    if (request.writeTurn !== this.turn) return done(null, payload);
    if (this.held.length === 0) setImmediate(this.write);
    this.held.push(done, payload);
  };

  private readonly readsEnded = (): void => {
    this.endArmed = false;
    this.turn++;
  };

  private readonly write = (): void => {
    const held = this.held;
    this.held = [];
    for (let i = 0; i < held.length; i += 2) {
      try {
        (held[i] as Done)(null, held[i + 1]);
      } catch (error) {
        this.onError(error);
      }
    }
  };
}
