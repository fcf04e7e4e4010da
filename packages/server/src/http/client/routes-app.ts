import type { FastifyInstance, FastifyRequest } from "fastify";
import type { AppRuntime } from "../../apps/app-runtime.js";
import { decodeEjson } from "../../ejson.js";
import { Errors } from "../../errors.js";
import type { Services } from "../../services.js";
import { assertOrigin } from "../origin.js";
import { publicBaseUrl } from "../public-url.js";
import { bearerToken } from "../transport.js";
import { loginBodySchema, providerLoginSchema, userpassBodySchemas } from "./body-schemas.js";
import { loginResponseSchema } from "./schemas.js";
import { bodyValidator } from "./validate.js";

interface AppParams {
  appId: string;
}

/** Routes under `/api/client/v2.0/app/{appId}`: location, login, email/password flows. */
export async function appRoutes(app: FastifyInstance, { services }: { services: Services }): Promise<void> {
  const findApp = (req: FastifyRequest<{ Params: AppParams }>): AppRuntime => {
    const found = services.apps.get(req.params.appId);
    if (!found) throw Errors.appNotFound(req.params.appId);
    assertOrigin(found, req);
    return found;
  };
  // The app (and its allowed origins) is decided before the body is validated: an unknown app is a
  // 404 whatever the body holds.
  const resolved = new WeakMap<FastifyRequest, AppRuntime>();
  app.addHook("preValidation", async (req: FastifyRequest<{ Params: Partial<AppParams> }>) => {
    if (req.params.appId !== undefined) resolved.set(req, findApp(req as FastifyRequest<{ Params: AppParams }>));
  });
  const resolveApp = (req: FastifyRequest<{ Params: AppParams }>): AppRuntime => resolved.get(req) ?? findApp(req);

  app.get<{ Params: AppParams }>("/app/:appId/location", async (req) => {
    const { config } = resolveApp(req);
    const hostname = publicBaseUrl(req, services.config.publicUrl);
    return {
      deployment_model: config.deploymentModel,
      location: config.location,
      hostname,
      ws_hostname: hostname.replace(/^http/, "ws"),
    };
  });

  // Each served provider type's login body, checked once the path has named the provider.
  const credentialChecks = new Map(
    services.logins.credentialSchemas().map(([type, schema]) => [type, bodyValidator(providerLoginSchema(schema))]),
  );
  app.post<{ Params: AppParams & { provider: string }; Querystring: { link?: string }; Body: Record<string, unknown> }>(
    "/app/:appId/auth/providers/:provider/login",
    { schema: { body: loginBodySchema, response: { 200: loginResponseSchema } } },
    async (req) => {
      const target = resolveApp(req);
      const providerName = req.params.provider;
      const unserved = services.logins.unservedProvider(target, providerName);
      if (unserved) throw unserved;
      credentialChecks.get(target.provider(providerName)!.type)?.(req.body);
      const link = req.query.link === "true";
      const linkTo = link ? await services.sessions.authenticateAccess(bearerToken(req)) : undefined;
      if (linkTo && linkTo.app.id !== target.id) throw Errors.appMismatch();
      return services.logins.login({ app: target, providerName, body: req.body, ip: req.ip, ...(linkTo ? { linkTo } : {}) });
    },
  );

  // Any other route of a provider (GET …/oauth2-google/login, …/redirect, other methods and shapes): a
  // provider this server does not serve answers AuthProviderNotFound, as its POST login does. OPTIONS
  // stays with CORS: it is every route's preflight.
  const unservedProviderRoute = async (req: FastifyRequest<{ Params: AppParams & { provider: string } }>) => {
    const target = resolveApp(req);
    throw services.logins.unservedProvider(target, req.params.provider) ?? Errors.routeNotFound(req.method, req.url.split("?")[0]!);
  };
  for (const url of ["/app/:appId/auth/providers/:provider", "/app/:appId/auth/providers/:provider/*"]) {
    app.route({ method: ["GET", "POST", "PUT", "PATCH", "DELETE"], url, handler: unservedProviderRoute });
  }

  // The public email/password routes ignore any Authorization header: realm-web attaches one (§1.1).
  const userpass = "/app/:appId/auth/providers/local-userpass";
  type Fields<K extends string> = { Params: AppParams; Body: Record<K, string> };
  const body = (path: keyof typeof userpassBodySchemas) => ({ schema: { body: userpassBodySchemas[path] } });
  app.post<Fields<"email" | "password">>(`${userpass}/register`, body("register"), async (req, reply) => {
    await services.accounts.register(resolveApp(req), req.body.email, req.body.password, req.ip);
    return reply.code(201).send();
  });
  app.post<Fields<"token" | "tokenId">>(`${userpass}/confirm`, body("confirm"), async (req, reply) => {
    await services.accounts.confirm(resolveApp(req), req.body.token, req.body.tokenId, req.ip);
    return reply.code(204).send();
  });
  app.post<Fields<"email">>(`${userpass}/confirm/send`, body("confirm/send"), async (req, reply) => {
    await services.accounts.resendConfirmation(resolveApp(req), req.body.email, req.ip);
    return reply.code(204).send();
  });
  app.post<Fields<"email">>(`${userpass}/reset/send`, body("reset/send"), async (req, reply) => {
    await services.accounts.sendReset(resolveApp(req), req.body.email, req.ip);
    return reply.code(204).send();
  });
  app.post<Fields<"token" | "tokenId" | "password">>(`${userpass}/reset`, body("reset"), async (req, reply) => {
    await services.accounts.reset(resolveApp(req), req.body.token, req.body.tokenId, req.body.password, req.ip);
    return reply.code(204).send();
  });
  app.post<Fields<"email">>(`${userpass}/confirm/call`, body("confirm/call"), async (req, reply) => {
    await services.accounts.retryConfirmationFunction(resolveApp(req), req.body.email, req.ip);
    return reply.code(204).send();
  });
  app.post<{ Params: AppParams; Body: { email: string; password: string; arguments?: unknown[] } }>(
    `${userpass}/reset/call`,
    body("reset/call"),
    async (req, reply) => {
      const { email, password } = req.body;
      // The reset function's extra arguments are EJSON, like any function's (the rest of the body is JSON).
      const args = decodeEjson(req.body.arguments ?? []) as unknown[];
      await services.accounts.resetWithFunction(resolveApp(req), email, password, args, req.ip);
      return reply.code(204).send();
    },
  );
}
