import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { AppRuntime } from "../../apps/app-runtime.js";
import { decodeEjson, parseJsonBounded } from "../../ejson.js";
import { Errors, GatehouseError } from "../../errors.js";
import type { AccessContext } from "../../sessions/session-service.js";
import type { Services } from "../../services.js";
import { assertOrigin } from "../origin.js";
import { bearerToken } from "../transport.js";
import { ClientArguments } from "../../functions/index.js";
import type { RequestInfo } from "../../functions/types.js";
import { functionCallSchema } from "./body-schemas.js";
import { bodyValidator } from "./validate.js";

/** A function call's body, once its schema has passed. */
type CallBody = { name: string; arguments?: unknown[]; service?: unknown } & Record<string, unknown>;

const checkCall = bodyValidator(functionCallSchema);

interface AppParams {
  appId: string;
}

/**
 * `functions/call` (PROTOCOL.md §6.1): canonical EJSON in and out; the streaming GET variant too. The
 * body is parsed as plain JSON; `arguments` is decoded as EJSON after the caller is authenticated.
 */
export async function functionRoutes(app: FastifyInstance, { services }: { services: Services }): Promise<void> {
  // The caller is authenticated before the body is validated: an anonymous request learns nothing.
  const callers = new WeakMap<FastifyRequest, AccessContext>();
  const authenticate = async (req: FastifyRequest) => {
    callers.set(req, await services.sessions.authenticateAccess(bearerToken(req)));
  };
  app.post<{ Params: AppParams; Body: CallBody }>(
    "/app/:appId/functions/call",
    { schema: { body: functionCallSchema }, preValidation: authenticate },
    async (req, reply) => {
      const result = await callFunction(services, req, callers.get(req)!, req.body);
      return reply.header("content-type", "application/json").send(Buffer.from(result));
    },
  );

  app.get<{ Params: AppParams; Querystring: { baas_request?: string; baas_at?: string } }>(
    "/app/:appId/functions/call",
    async (req, reply) => {
      // realm-web sends the token in the header, core in `baas_at`.
      const token = req.headers.authorization ? bearerToken(req) : req.query.baas_at;
      if (!token) throw Errors.missingAuth();
      const caller = await services.sessions.authenticateAccess(token);
      let body: unknown;
      try {
        body = parseJsonBounded(Buffer.from(req.query.baas_request ?? "", "base64").toString("utf8"));
      } catch (error) {
        if (error instanceof GatehouseError && error.reason === "bodyTooDeep") throw error;
        throw Errors.functionCallEncoding();
      }
      checkCall(body);
      const result = await callFunction(services, req, caller, body as CallBody);
      sendEvent(reply, result);
    },
  );
}

async function callFunction(
  services: Services,
  req: FastifyRequest<{ Params: AppParams }>,
  caller: AccessContext,
  body: CallBody,
): Promise<string> {
  const target: AppRuntime | undefined = services.apps.get(req.params.appId);
  if (!target) throw Errors.appNotFound(req.params.appId);
  if (caller.app.id !== target.id) throw Errors.appMismatch();
  assertOrigin(target, req);
  const { name } = body;
  // Read only now, for an authenticated caller of this app: the one EJSON value of the body. Plain
  // arguments go to the VM as they are; the rest (and rules reading %%args) take the EJSON decoder.
  const raw = body.arguments ?? [];
  const decode = (value: unknown) => decodeEjson(value) as unknown[];
  const args = ClientArguments.from(raw, decode) ?? decode(raw);
  if (body.service !== undefined) {
    // Service calls are the remote MongoDB client: data access rules are not enforced yet, so no client gets it.
    throw Errors.serviceNotFound(String(body.service));
  }
  const runtime = services.functions.runtime(target);
  // The runtime's own map of the app's functions: no scan of the app's function list per call.
  const definition = runtime?.definition(name);
  if (!runtime || !definition) throw Errors.functionNotFound(name);
  if (definition.source === undefined) throw Errors.functionHasNoSource(name);
  const contextUser = await services.functions.contextUser(target, caller.user, caller.claims.user_data ?? {});
  const result = await runtime.invoke(name, args, { user: contextUser, request: requestInfo(req, body), fromClient: true });
  return result.ejson;
}

/** Header names as App Services spelled them (`User-Agent`), by Node's lower-case name; bounded. */
const headerNames = new Map<string, string>();
const MAX_HEADER_NAMES = 1000;

function canonicalHeader(name: string): string {
  let spelled = headerNames.get(name);
  if (spelled === undefined) {
    spelled = name.replace(/(^|-)([a-z])/g, (_m, dash: string, c: string) => dash + c.toUpperCase());
    if (headerNames.size < MAX_HEADER_NAMES) headerNames.set(name, spelled);
  }
  return spelled;
}

function requestInfo(req: FastifyRequest, body: Record<string, unknown>): RequestInfo {
  const headers: Record<string, string[]> = {};
  const raw = req.headers;
  for (const name in raw) {
    const value = raw[name];
    if (name === "authorization" || name === "cookie" || value === undefined) continue;
    headers[canonicalHeader(name)] = Array.isArray(value) ? value : [value];
  }
  return {
    remoteIPAddress: req.ip,
    requestHeaders: headers,
    httpMethod: req.method,
    httpUserAgent: String(req.headers["user-agent"] ?? ""),
    ...(typeof body.service === "string" ? { service: body.service } : {}),
  };
}

/** One server-sent event carrying the EJSON result, %-escaped as realm-web's WatchStream expects. */
function sendEvent(reply: FastifyReply, ejson: string): FastifyReply {
  const data = ejson.replace(/%/g, "%25").replace(/\n/g, "%0A").replace(/\r/g, "%0D");
  return reply.header("content-type", "text/event-stream").header("cache-control", "no-cache").send(`data: ${data}\n\n`);
}
