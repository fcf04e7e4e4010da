import { performance } from "node:perf_hooks";

/** One request of a load run, as the client saw it. */
export interface Outcome {
  /** ms since the run started, when the request was sent and when its answer arrived. */
  sent: number;
  answered: number;
  kind: string;
  /** HTTP status, or 0 when no answer came within the bound (a hang). */
  status: number;
  errorCode?: string;
  /** The catalogue reason of an error body. */
  reason?: string;
  contentType?: string;
  /** What the request was about (the email of a registration). */
  subject?: string;
}

/** A request a load worker sends: returns the request, and optionally what it was about. */
export type RequestMaker = (n: number) => { kind: string; url: string; init: RequestInit; subject?: string };

/**
 * Closed-loop load: `concurrency` workers each send the next request as soon as the previous one is
 * answered, until `stop()`. Every request is bounded by `boundMs`: one that takes longer is recorded as a
 * hang (status 0), which is exactly what the fault tests forbid.
 */
export class LoadRun {
  readonly outcomes: Outcome[] = [];
  readonly started = performance.now();
  private running = true;
  private readonly workers: Promise<void>[];
  private readonly listeners: (() => void)[] = [];
  private counter = 0;

  constructor(
    private readonly make: RequestMaker,
    concurrency: number,
    private readonly boundMs: number,
  ) {
    this.workers = Array.from({ length: concurrency }, () => this.worker());
  }

  /** ms since the run started. */
  now(): number {
    return performance.now() - this.started;
  }

  private async worker(): Promise<void> {
    while (this.running) {
      const { kind, url, init, subject } = this.make(this.counter++);
      const sent = this.now();
      let outcome: Outcome;
      try {
        const res = await fetch(url, { ...init, signal: AbortSignal.timeout(this.boundMs) });
        const text = await res.text();
        let errorCode: string | undefined;
        let reason: string | undefined;
        if (res.status >= 400) ({ error_code: errorCode, reason } = JSON.parse(text) as { error_code?: string; reason?: string });
        outcome = {
          sent,
          answered: this.now(),
          kind,
          status: res.status,
          ...(errorCode ? { errorCode } : {}),
          ...(reason ? { reason } : {}),
          ...(res.headers.get("content-type") ? { contentType: res.headers.get("content-type")! } : {}),
          ...(subject ? { subject } : {}),
        };
      } catch {
        outcome = { sent, answered: this.now(), kind, status: 0, ...(subject ? { subject } : {}) };
      }
      this.outcomes.push(outcome);
      for (const wake of this.listeners.splice(0)) wake();
    }
  }

  /** Resolves once `predicate` holds over the outcomes so far (checked after every answer). */
  async until(predicate: (outcomes: Outcome[]) => boolean, what: string, timeoutMs = 60_000): Promise<void> {
    const deadline = this.now() + timeoutMs;
    while (!predicate(this.outcomes)) {
      if (this.now() > deadline) throw new Error(`load: timed out waiting for ${what}`);
      await new Promise<void>((resolve) => this.listeners.push(resolve));
    }
  }

  /** Stops sending; resolves when every request in flight is answered. */
  async stop(): Promise<Outcome[]> {
    this.running = false;
    await Promise.all(this.workers);
    return this.outcomes;
  }
}

/** Polls `probe` (each call bounded by the caller) until it returns true; resolves with when, in ms. */
export async function waitFor(probe: () => Promise<boolean>, what: string, timeoutMs = 60_000): Promise<number> {
  const start = performance.now();
  for (;;) {
    if (await probe().catch(() => false)) return performance.now();
    if (performance.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    // Polling an outside process's state: the pause bounds the rate, it synchronises nothing.
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
