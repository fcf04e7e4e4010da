/**
 * Requests the server cannot take: their shape, size or URL, and what Fastify and Node's HTTP
 * parser refuse before a route runs.
 * Part of the one catalogue that `../errors.ts` assembles; see there for what an entry is.
 */
import type { Entry } from "./entry.js";

export const requestErrors = {
  // ---- request shape (bodies are checked by the route schemas first)
  /** A malformed request that no more specific entry describes. Prefer adding a named entry. */
  badRequest: { code: "BadRequest", status: 400, message: (message: string) => message },
  invalidJsonBody: { code: "BadRequest", status: 400, message: (detail: string) => `invalid JSON body: ${detail}` },
  bodyTooDeep: {
    code: "BadRequest",
    status: 400,
    message: (max: number) => `request body nests arrays and objects deeper than ${max} levels`,
  },
  invalidEjson: { code: "BadRequest", status: 400, message: (detail: string) => `invalid EJSON value: ${detail}` },
  /** The body as a whole has the wrong type: one more parameter of the wrong type, as the schemas say. */
  bodyNotObject: { code: "InvalidParameter", status: 400, message: () => "request body must be a JSON object" },
  bodyTooLarge: { code: "BadRequest", status: 413, message: () => "request body too large" },
  unsupportedMediaType: {
    code: "BadRequest",
    status: 415,
    message: (type: string) => `unsupported content type '${type}': send application/json`,
  },
  /** Any other 4xx Fastify itself raised, with Fastify's status. */
  requestRejected: { code: "BadRequest", status: 400, message: (status: number, message: string) => ({ message, status }) },
  /** A field of the wrong type or shape (the route schemas' answer, http/transport.ts). */
  invalidParameter: { code: "InvalidParameter", status: 400, message: (message: string) => message },
  missingParameter: { code: "MissingParameter", status: 400, message: (message: string) => message },
  // What Fastify's router and Node's HTTP parser refuse before a route runs.
  urlParameterTooLong: { code: "BadRequest", status: 414, message: () => "a URL path segment is too long" },
  badUrl: { code: "BadRequest", status: 400, message: () => "the URL is not valid (bad percent-encoding)" },
  headersTooLarge: { code: "BadRequest", status: 431, message: () => "request headers too large" },
  requestTimeout: { code: "BadRequest", status: 408, message: () => "the request did not arrive in time" },
  malformedRequest: { code: "BadRequest", status: 400, message: () => "malformed HTTP request" },
  internalError: { code: "InternalServerError", status: 500, message: () => "internal server error" },
  routeNotFound: { code: "NotFound", status: 404, message: (method: string, path: string) => `no route for ${method} ${path}` },
  notFound: { code: "NotFound", status: 404, message: (message: string = "not found") => message },
  tooManyRequests: {
    code: "TooManyRequests",
    status: 429,
    message: (retryAfterSeconds: number) => ({
      message: "too many requests, try again later",
      headers: { "retry-after": String(retryAfterSeconds) },
    }),
  },
} satisfies Record<string, Entry>;
