import type { FastifyInstance } from "fastify";

/**
 * Body size limits per client route, in bytes: each route gets what its largest legitimate body needs,
 * so an unauthenticated client cannot make the server read (and parse) a megabyte to refuse it.
 * Kept in one table, applied to every route as it is declared.
 */
const LIMITS: { pattern: RegExp; bytes: number }[] = [
  // Function arguments are the one large payload a client sends, and only with an access token.
  { pattern: /\/functions\/call$/, bytes: 1024 * 1024 },
  // Custom-function credentials and device information; reset/call carries function arguments too.
  { pattern: /\/auth\/providers\/:provider\/login$/, bytes: 16 * 1024 },
  { pattern: /\/local-userpass\/reset\/call$/, bytes: 16 * 1024 },
];

/** Every other route: email/password flows, API keys, refresh, logout (a few short strings at most). */
export const DEFAULT_BODY_LIMIT = 4 * 1024;

/** The largest limit of the table: the server-wide Fastify `bodyLimit`. */
export const MAX_BODY_LIMIT = Math.max(...LIMITS.map((l) => l.bytes));

/** The body limit of a route, by its declared URL. */
export function bodyLimitFor(url: string): number {
  return LIMITS.find((l) => l.pattern.test(url))?.bytes ?? DEFAULT_BODY_LIMIT;
}

/** Gives every route declared after this call its limit (a route that sets `bodyLimit` keeps it). */
export function installBodyLimits(app: FastifyInstance): void {
  app.addHook("onRoute", (route) => {
    route.bodyLimit ??= bodyLimitFor(route.url);
  });
}
