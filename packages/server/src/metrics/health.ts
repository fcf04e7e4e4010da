import { StoreUnavailableError } from "../errors.js";

/** What `/readyz` reports. */
export interface Readiness {
  ready: boolean;
  /** Why not, for the 503 body and the log. */
  reason?: string;
}

/** The store as readiness sees it (Store.ready). */
export interface ReadinessProbe {
  ready(): Promise<boolean>;
}

/**
 * `/readyz`: the store answers within `timeoutMs` and has run this build's newest migration. A load
 * balancer sends no traffic to an instance that is not ready; `/healthz` (process up) stays 200 so the
 * process is not restarted for a database outage it will recover from by itself.
 */
export async function checkReadiness(store: ReadinessProbe, timeoutMs: number): Promise<Readiness> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<Readiness>((resolve) => {
    timer = setTimeout(() => resolve({ ready: false, reason: `the database did not answer within ${timeoutMs} ms` }), timeoutMs);
  });
  const probe = store.ready().then(
    (migrated): Readiness => (migrated ? { ready: true } : { ready: false, reason: "the database schema is behind this build" }),
    (error: unknown): Readiness => ({
      ready: false,
      reason: error instanceof StoreUnavailableError ? error.message : "the database could not be queried",
    }),
  );
  try {
    return await Promise.race([probe, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
