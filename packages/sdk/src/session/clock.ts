/**
 * The server's clock as seen from the client. Token `exp`/`iat` are server time; comparing them to the
 * device clock would refresh too early or too late on a device whose clock is off. So the offset is
 * measured from each freshly issued token (its `iat` is "now" on the server) and persisted per app.
 */

/** A source of time in milliseconds since the epoch. */
export interface Clock {
  /** @returns Milliseconds since the epoch. */
  now(): number;
}

/** The default clock: `Date.now()`. */
export const systemClock: Clock = { now: () => Date.now() };

/** Estimates server time from the local clock plus a measured offset. */
export class ServerClock implements Clock {
  /**
   * @param local - The device clock.
   * @param offsetMs - Last known offset (server minus local).
   * @param persist - Called when the offset changes.
   */
  constructor(
    private readonly local: Clock,
    private offsetMs: number,
    private readonly persist: (offsetMs: number) => void,
  ) {}

  /** @returns Estimated server time, ms. */
  now(): number {
    return this.local.now() + this.offsetMs;
  }

  /**
   * Records a token that was just issued.
   *
   * @param iatSeconds - The token's `iat`.
   */
  observeIssuedAt(iatSeconds: number): void {
    // iat is floored to the second, so the measured offset can be short by up to 1 s; ignore changes
    // below that to avoid rewriting storage on every refresh.
    const offset = iatSeconds * 1000 - this.local.now();
    if (Math.abs(offset - this.offsetMs) > 1000) {
      this.offsetMs = offset;
      this.persist(offset);
    }
  }
}
