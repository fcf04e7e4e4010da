import cors from "@fastify/cors";
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance, type FastifyReply, type FastifyRequest } from "fastify";
import { Errors } from "../errors.js";
import type { Services } from "../services.js";
import { appRoutes } from "./client/routes-app.js";
import { authRoutes } from "./client/routes-auth.js";
import { functionRoutes } from "./client/routes-functions.js";
import { apiKeyRoutes } from "./client/routes-api-keys.js";
import { installBodyLimits, MAX_BODY_LIMIT } from "./body-limits.js";
import { deferredCompilers, trackSchemaCompilation } from "./lazy-schemas.js";
import { trackHandlers } from "./in-flight.js";
import { NO_WRITE_TURN, ResponseWrites } from "./write-coalescing.js";
import { clientErrorHandler, corsOrigin, frameworkError, setSecurityHeaders } from "./hardening.js";
import { compileProxyTrust, type ProxyTrust } from "./proxy-trust.js";
import { adminRoutes } from "./admin/index.js";
import type { ConsoleAssets } from "./console/assets.js";
import { consoleRoutes } from "./console/routes.js";
import { oauthRoutes } from "./client/routes-oauth.js";
import { installRequestMetrics, opsRoutes, type OpsOptions } from "./ops-routes.js";
import { installBodyParsers, prepareBody, rewriteAbsoluteUrl, sendError, skipParsingWithoutBody, toGatehouseError } from "./transport.js";
import type { ResolvedServerConfig } from "../server-config.js";

/** The HTTP server as the rest of the code sees it (only http/ imports Fastify itself). */
export type HttpApp = FastifyInstance;

/** Options of the HTTP layer. */
export interface HttpOptions {
  logger: FastifyBaseLogger;
  /** Log every request (debug level). */
  debug?: boolean;
  /** Which peers are proxies (default none). */
  trustProxy?: ProxyTrust;
  /** Request, header, idle and keep-alive timeouts (ms). */
  timeouts: ResolvedServerConfig["timeouts"];
  /** Serve the operator console at `/console/` (absent: not served at all; `assets` undefined: answers 404). */
  console?: { assets: ConsoleAssets | undefined };
  /** Health, readiness and metrics routes (tests of the client API alone may leave them out). */
  ops?: OpsOptions;
}

/** Builds the Fastify app serving the client API and the admin API over the given services. */
export async function buildHttpApp(services: Services, options: HttpOptions): Promise<FastifyInstance> {
  const { timeouts } = options;
  // Requests no route matched (the router's refusals and 404s): counted once metrics are installed.
  let countUnmatched: (req: FastifyRequest, reply: FastifyReply) => void = () => {};
  const refuseUrl = frameworkError(sendError);
  const { compilersFactory, compilation } = deferredCompilers();
  const app = Fastify({
    loggerInstance: options.logger,
    trustProxy: compileProxyTrust(options.trustProxy ?? 0),
    requestTimeout: timeouts.requestMs,
    // A socket with no bytes moving for this long is closed: a slow body cannot hold a connection.
    connectionTimeout: timeouts.idleMs,
    keepAliveTimeout: timeouts.keepAliveMs,
    // Node checks request and header deadlines on this interval (30 s by default, longer than them).
    http: { headersTimeout: timeouts.headersMs, connectionsCheckingInterval: Math.max(50, Math.min(5000, timeouts.headersMs / 4)) },
    clientErrorHandler,
    frameworkErrors: (error, req, reply) => {
      countUnmatched(req, reply);
      refuseUrl(error, req, reply);
    },
    rewriteUrl: (req) => rewriteAbsoluteUrl(req.url),
    ajv: { customOptions: { coerceTypes: false, removeAdditional: false, allErrors: false } },
    // Each route schema compiled by its first request (./lazy-schemas.ts): most routes are the console's and the Admin API's.
    schemaController: { compilersFactory },
    bodyLimit: MAX_BODY_LIMIT,
    // Per-request lines only at debug level: at info they would dominate the log and the hot paths.
    logController: new LogController({ disableRequestLogging: !options.debug }),
  });
  trackSchemaCompilation(app, compilation);
  trackHandlers(app);
  installBodyParsers(app);
  const writes = new ResponseWrites((error) => app.log.error({ err: error }, "writing a response failed"));
  app.decorateRequest("writeTurn", NO_WRITE_TURN);
  // One hook for what every request needs before its route: the security headers (CORS preflights, which
  // the CORS plugin answers from its own hook, included), the turn's response writes held together, and
  // settings operators changed on another instance (providers, refresh lifetime). Callback style: the hot
  // path (a fresh copy) costs no promise.
  app.addHook("onRequest", (req, reply, done) => {
    writes.requestArrived(req);
    skipParsingWithoutBody(req);
    setSecurityHeaders(reply);
    const reloading = services.admin.runtime.fresh();
    if (!reloading) return done();
    reloading.then(() => done(), done);
  });
  app.addHook("onSend", writes.onSend);
  // Only routes with a body schema need it; a route without hooks of a kind skips that step entirely.
  app.addHook("onRoute", (route) => {
    if (route.schema?.body) route.preValidation = [prepareBody, ...[route.preValidation ?? []].flat()];
  });
  if (options.ops?.metrics) countUnmatched = installRequestMetrics(app, options.ops.metrics);
  await app.register(cors, {
    // Reflect the caller's origin (credentials need a specific one), never `null`; each app's
    // allowed_request_origins is enforced per request once the app is known.
    origin: corsOrigin,
    credentials: true,
    exposedHeaders: ["x-baas-location"],
    allowedHeaders: ["Authorization", "Content-Type", "Accept", "X-Requested-With"],
    methods: ["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"],
    maxAge: 600,
  });
  app.setErrorHandler((error, req, reply) => {
    const mapped = toGatehouseError(error);
    // A database outage answers every request 503: one line each, without the stack.
    if (mapped.status === 503) req.log.warn({ reason: mapped.reason }, mapped.message);
    else if (mapped.status >= 500) req.log.error({ err: error }, "request failed");
    return sendError(reply, mapped);
  });
  app.setNotFoundHandler((req, reply) => {
    countUnmatched(req, reply);
    return sendError(reply, Errors.routeNotFound(req.method, req.url.split("?")[0]!));
  });
  if (options.ops) await app.register(opsRoutes, options.ops);
  await app.register(
    async (client) => {
      // Client routes only: the admin API (authenticated operators) keeps the server-wide limit.
      installBodyLimits(client);
      await client.register(appRoutes, { services });
      await client.register(authRoutes, { services });
      await client.register(functionRoutes, { services });
      await client.register(apiKeyRoutes, { services });
      await client.register(oauthRoutes, { services });
    },
    { prefix: "/api/client/v2.0" },
  );
  await app.register(adminRoutes, { services, prefix: "/api/admin/v3.0" });
  if (options.console) await app.register(consoleRoutes, { assets: options.console.assets });
  return app;
}
