import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { parseJsonBounded } from "../ejson.js";
import { Errors, GatehouseError } from "../errors.js";

/**
 * The wire rules of PROTOCOL.md §1 that both SDK families depend on: absolute-form request targets,
 * EJSON bodies, a JSON content type with an empty body, and error bodies sent as exactly
 * `application/json` (realm-core drops `error_code` otherwise).
 */

/** Strips `scheme://authority` from an absolute-form request target (realm-cpp sends those). */
export function rewriteAbsoluteUrl(url: string | undefined): string {
  if (!url) return "/";
  // realm-web does not trim a trailing `/` off its baseUrl: `baseUrl: "https://host/"` asks for `//api/...`.
  if (url.startsWith("//")) return url.replace(/^\/+/, "/");
  if (url.startsWith("/")) return url;
  const match = /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*/i.exec(url);
  if (!match) return url;
  const rest = url.slice(match[0].length);
  return rest.startsWith("/") ? rest : `/${rest}`;
}

/**
 * Lets Fastify take its bodiless path for a request that carries a Content-Type but no body. A request
 * with neither Content-Length nor Transfer-Encoding has no body (RFC 9112 §6.3), yet Fastify runs the
 * content-type parser whenever the header is there: a stream read, three listeners and an async resource
 * to learn the body is empty: ~4 µs of a refresh, which realm-core sends as a bodiless POST with a JSON
 * content type (docs/performance.md, session 13). Either parser would have answered `undefined`.
 */
export function skipParsingWithoutBody(req: FastifyRequest): void {
  const headers = req.raw.headers;
  if (headers["content-type"] === undefined || headers["transfer-encoding"] !== undefined) return;
  const length = headers["content-length"];
  if (length === undefined || length === "0") headers["content-type"] = undefined;
}

/**
 * Installs the body parsers: JSON (plain and depth-bounded by default, empty allowed; client routes
 * decode their EJSON values themselves, see ejson.ts) and nothing else.
 */
export function installBodyParsers(app: FastifyInstance, decode: (text: string) => unknown = parseJsonBounded): void {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser("application/json", { parseAs: "string" }, (_req, body, done) => {
    const text = body as string;
    if (text.trim() === "") return done(null, undefined);
    try {
      done(null, decode(text));
    } catch (error) {
      done(error as Error);
    }
  });
  // Any other content type: accepted only without a body (core sends headers on bodiless requests).
  app.addContentTypeParser("*", { parseAs: "string" }, (req, body, done) => {
    if ((body as string).length === 0) return done(null, undefined);
    done(Errors.unsupportedMediaType(String(req.headers["content-type"] ?? "")));
  });
}

/** The App Services error body. */
function errorBody(error: GatehouseError): string {
  return JSON.stringify({ error: error.message, error_code: error.code, reason: error.reason });
}

/** Sends an error with the exact `application/json` content type. */
export function sendError(reply: FastifyReply, error: GatehouseError): FastifyReply {
  reply.code(error.status);
  for (const [name, value] of Object.entries(error.headers)) reply.header(name, value);
  reply.header("content-type", "application/json");
  // A Buffer, because Fastify appends "; charset=utf-8" to string payloads.
  return reply.send(Buffer.from(errorBody(error)));
}

/** One failure of a body against its JSON schema, as Ajv (and so Fastify) reports it. */
export interface SchemaFailure {
  keyword: string;
  instancePath: string;
  params: Record<string, unknown>;
  message?: string;
}

/**
 * The App Services answer to a body that fails its schema: a missing field is `MissingParameter`, a
 * field of the wrong type or size `InvalidParameter`, and so is a body that is not an object at all
 * (reason `bodyNotObject`).
 */
export function validationError(failures: readonly SchemaFailure[]): GatehouseError {
  const first = failures[0];
  if (!first) return Errors.invalidParameter("invalid request body");
  const field = first.instancePath.replace(/^\//, "").replaceAll("/", ".");
  if (first.keyword === "required") {
    const missing = String(first.params.missingProperty);
    return Errors.missingParameter(`'${field ? `${field}.${missing}` : missing}' is required`);
  }
  if (field === "" && first.keyword === "type") return Errors.bodyNotObject();
  if (first.keyword === "type") return Errors.invalidParameter(`'${field}' must be ${article(String(first.params.type))}`);
  if (first.keyword === "maxLength") return Errors.invalidParameter(`'${field}' is too long`);
  return Errors.invalidParameter(`'${field || "body"}' ${first.message ?? "is invalid"}`);
}

const article = (type: string) => (/^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`);

/**
 * Readies a body for its route schema: an empty body is an empty object, as it was before route
 * schemas (core sends bodiless requests with a JSON content type), and a lone EJSON value (`7` decodes
 * to an Int32, `{"$date": …}` to a Date) is not the object the schema means, though JSON schema's
 * `type: "object"` would take it. A `preValidation` hook of the routes that have a body schema only.
 */
export function prepareBody(req: FastifyRequest, _reply: FastifyReply, done: () => void): void {
  if (req.body === undefined) req.body = {};
  // Validated as what it is to JSON schema, not an object; the schema then answers bodyNotObject, after
  // the route's own hooks (app, caller) have had their say.
  else if (isEjsonValue(req.body)) req.body = null;
  done();
}

function isEjsonValue(value: unknown): boolean {
  return value instanceof Date || (typeof value === "object" && value !== null && "_bsontype" in value);
}

/** Maps anything thrown in a route to a GatehouseError; unknown errors become a bare 500. */
export function toGatehouseError(error: unknown): GatehouseError {
  if (error instanceof GatehouseError) return error;
  const e = error as FastifyError & { validation?: SchemaFailure[] };
  if (e?.validation && e.validation.length > 0) return validationError(e.validation);
  if (e?.code === "FST_ERR_CTP_BODY_TOO_LARGE") return Errors.bodyTooLarge();
  if (e?.code === "FST_ERR_CTP_INVALID_MEDIA_TYPE") return Errors.unsupportedMediaType("");
  if (typeof e?.statusCode === "number" && e.statusCode >= 400 && e.statusCode < 500) {
    return Errors.requestRejected(e.statusCode, e.message);
  }
  return Errors.internalError();
}

/** The bearer token of a request, or a 401 `MissingAuthReq`. */
export function bearerToken(req: FastifyRequest): string {
  const header = req.headers.authorization;
  if (!header) throw Errors.missingAuth();
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (!match) throw Errors.notBearer();
  return match[1]!;
}
