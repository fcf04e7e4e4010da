import cors from "@fastify/cors";
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from "fastify";
import { Errors } from "../errors.js";
import type { Services } from "../services.js";
import { appRoutes } from "./client/routes-app.js";
import { authRoutes } from "./client/routes-auth.js";
import { functionRoutes } from "./client/routes-functions.js";
import { apiKeyRoutes } from "./client/routes-api-keys.js";
import { installBodyParsers, rewriteAbsoluteUrl, sendError, toGatehouseError } from "./transport.js";

/** Options of the HTTP layer. */
export interface HttpOptions {
  logger: FastifyBaseLogger;
  /** Log every request (debug level). */
  debug?: boolean;
  trustProxy?: boolean;
}

/** Builds the Fastify app serving the client API over the given services. */
export async function buildHttpApp(services: Services, options: HttpOptions): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: options.logger,
    trustProxy: options.trustProxy ?? false,
    rewriteUrl: (req) => rewriteAbsoluteUrl(req.url),
    ajv: { customOptions: { coerceTypes: false, removeAdditional: false, allErrors: false } },
    bodyLimit: 1024 * 1024,
    // Per-request lines only at debug level: at info they would dominate the log and the hot paths.
    logController: new LogController({ disableRequestLogging: !options.debug }),
  });
  installBodyParsers(app);
  await app.register(cors, {
    // Reflect the caller's origin (credentials need a specific one); each app's
    // allowed_request_origins is enforced per request once the app is known.
    origin: true,
    credentials: true,
    exposedHeaders: ["x-baas-location"],
    allowedHeaders: ["Authorization", "Content-Type", "Accept", "X-Requested-With"],
    methods: ["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"],
    maxAge: 600,
  });
  app.setErrorHandler((error, req, reply) => {
    const mapped = toGatehouseError(error);
    if (mapped.status >= 500) req.log.error({ err: error }, "request failed");
    return sendError(reply, mapped);
  });
  app.setNotFoundHandler((req, reply) => sendError(reply, Errors.routeNotFound(req.method, req.url.split("?")[0]!)));
  await app.register(
    async (client) => {
      await client.register(appRoutes, { services });
      await client.register(authRoutes, { services });
      await client.register(functionRoutes, { services });
      await client.register(apiKeyRoutes, { services });
    },
    { prefix: "/api/client/v2.0" },
  );
  return app;
}
