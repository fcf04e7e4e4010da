import type { FastifyInstance, FastifyRequest } from "fastify";
import type { AppRuntime } from "../../apps/app-runtime.js";
import { decodeEjson } from "../../ejson.js";
import { Errors } from "../../errors.js";
import { bodyObject, requireString } from "../../input.js";
import type { Services } from "../../services.js";
import { assertOrigin } from "../origin.js";
import { publicBaseUrl } from "../public-url.js";
import { bearerToken } from "../transport.js";
import { loginResponseSchema } from "./schemas.js";

interface AppParams {
  appId: string;
}

/** Routes under `/api/client/v2.0/app/{appId}`: location, login, email/password flows. */
export async function appRoutes(app: FastifyInstance, { services }: { services: Services }): Promise<void> {
  const resolveApp = (req: FastifyRequest<{ Params: AppParams }>): AppRuntime => {
    const found = services.apps.get(req.params.appId);
    if (!found) throw Errors.appNotFound(req.params.appId);
    assertOrigin(found, req);
    return found;
  };

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

  app.post<{ Params: AppParams & { provider: string }; Querystring: { link?: string } }>(
    "/app/:appId/auth/providers/:provider/login",
    { schema: { response: { 200: loginResponseSchema } } },
    async (req) => {
      const target = resolveApp(req);
      const body = bodyObject(req.body);
      const link = req.query.link === "true";
      const linkTo = link ? await services.sessions.authenticateAccess(bearerToken(req)) : undefined;
      if (linkTo && linkTo.app.id !== target.id) throw Errors.appMismatch();
      return services.logins.login({ app: target, providerName: req.params.provider, body, ip: req.ip, ...(linkTo ? { linkTo } : {}) });
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
  app.post<{ Params: AppParams }>(`${userpass}/register`, async (req, reply) => {
    const body = bodyObject(req.body);
    await services.accounts.register(resolveApp(req), requireString(body, "email"), requireString(body, "password"), req.ip);
    return reply.code(201).send();
  });
  app.post<{ Params: AppParams }>(`${userpass}/confirm`, async (req, reply) => {
    const body = bodyObject(req.body);
    await services.accounts.confirm(resolveApp(req), requireString(body, "token"), requireString(body, "tokenId"), req.ip);
    return reply.code(204).send();
  });
  app.post<{ Params: AppParams }>(`${userpass}/confirm/send`, async (req, reply) => {
    await services.accounts.resendConfirmation(resolveApp(req), requireString(bodyObject(req.body), "email"), req.ip);
    return reply.code(204).send();
  });
  app.post<{ Params: AppParams }>(`${userpass}/reset/send`, async (req, reply) => {
    await services.accounts.sendReset(resolveApp(req), requireString(bodyObject(req.body), "email"), req.ip);
    return reply.code(204).send();
  });
  app.post<{ Params: AppParams }>(`${userpass}/reset`, async (req, reply) => {
    const body = bodyObject(req.body);
    const target = resolveApp(req);
    await services.accounts.reset(
      target,
      requireString(body, "token"),
      requireString(body, "tokenId"),
      requireString(body, "password"),
      req.ip,
    );
    return reply.code(204).send();
  });
  app.post<{ Params: AppParams }>(`${userpass}/confirm/call`, async (req, reply) => {
    await services.accounts.retryConfirmationFunction(resolveApp(req), requireString(bodyObject(req.body), "email"), req.ip);
    return reply.code(204).send();
  });
  app.post<{ Params: AppParams }>(`${userpass}/reset/call`, async (req, reply) => {
    const body = bodyObject(req.body);
    if (body.arguments !== undefined && !Array.isArray(body.arguments)) throw Errors.argumentsNotArray();
    // The reset function's extra arguments are EJSON, like any function's (the rest of the body is JSON).
    const args = decodeEjson(body.arguments ?? []) as unknown[];
    const target = resolveApp(req);
    await services.accounts.resetWithFunction(target, requireString(body, "email"), requireString(body, "password"), args, req.ip);
    return reply.code(204).send();
  });
}
