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

/** Maps anything thrown in a route to a GatehouseError; unknown errors become a bare 500. */
export function toGatehouseError(error: unknown): GatehouseError {
  if (error instanceof GatehouseError) return error;
  const e = error as FastifyError & { validation?: { keyword: string; instancePath: string; params: Record<string, unknown> }[] };
  if (e?.validation && e.validation.length > 0) {
    const first = e.validation[0]!;
    if (first.keyword === "required") return Errors.missingParameter(`'${String(first.params.missingProperty)}' is required`);
    return Errors.invalidParameter(`${first.instancePath.replace(/^\//, "") || "body"} ${e.message.replace(/^body\/?\S*\s*/, "")}`);
  }
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
