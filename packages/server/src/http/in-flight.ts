import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";

/**
 * Route handlers still running, so that a server closes its services and store only after them.
 *
 * Node's `server.close()` waits for connections, not for handlers: a client that gives up (a load
 * generator stopping, a browser tab closed, a balancer's timeout) takes its connection with it while the
 * handler keeps going, e.g. a login waiting for its argon2id hash. Without waiting for it, that handler
 * next reaches a closed store: its session and its audit event are lost, and it logs a failure.
 */
export interface InFlightHandlers {
  /** Handlers entered and not yet settled. */
  readonly count: number;
  /** Resolves true once none is running, or false after `timeoutMs` with some still running. */
  settled(timeoutMs: number): Promise<boolean>;
}

type Handler = (this: FastifyInstance, request: FastifyRequest, reply: FastifyReply) => unknown;

const byApp = new WeakMap<FastifyInstance, InFlightHandlers>();

/** Counts the running handlers of every route `app` registers from now on (read by {@link inFlightHandlers}). */
export function trackHandlers(app: FastifyInstance): void {
  let count = 0;
  let waiters: (() => void)[] = [];
  const leave = () => {
    count -= 1;
    if (count > 0) return;
    const woken = waiters;
    waiters = [];
    for (const wake of woken) wake();
  };
  app.addHook("onRoute", (route) => {
    const handler = route.handler as Handler;
    route.handler = function (this: FastifyInstance, request: FastifyRequest, reply: FastifyReply) {
      count += 1;
      let result: unknown;
      try {
        result = handler.call(this, request, reply);
      } catch (error) {
        leave();
        throw error;
      }
      // The handler's own promise goes back to Fastify untouched; this only watches it settle. A handler
      // returning the reply (Fastify's thenable) or nothing has done its work by now.
      if (result !== reply && result instanceof Promise) result.then(leave, leave);
      else leave();
      return result;
    };
  });
  byApp.set(app, {
    get count() {
      return count;
    },
    settled(timeoutMs) {
      if (count === 0) return Promise.resolve(true);
      return new Promise((resolve) => {
        const timer = setTimeout(() => {
          waiters = waiters.filter((wake) => wake !== done);
          resolve(false);
        }, timeoutMs);
        const done = () => {
          clearTimeout(timer);
          resolve(true);
        };
        waiters.push(done);
      });
    },
  });
}

/** The running handlers of an app built by `buildHttpApp` (undefined for any other Fastify instance). */
export function inFlightHandlers(app: FastifyInstance): InFlightHandlers | undefined {
  return byApp.get(app);
}
