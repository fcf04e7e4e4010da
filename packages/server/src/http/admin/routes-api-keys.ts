import type { FastifyInstance } from "fastify";
import type { AdminRouteOptions } from "./app-scope.js";
import { adminContext } from "./context.js";
import { apiKeyIdParams, apiKeySchema, nameBodySchema } from "./schemas.js";

interface KeyParams {
  keyId: string;
}

/** `api_keys…` (PROTOCOL.md §11.3): the app's server API keys. */
export async function serverApiKeyRoutes(app: FastifyInstance, { services }: AdminRouteOptions): Promise<void> {
  const keys = services.admin.serverKeys;

  app.get("/api_keys", { schema: { response: { 200: { type: "array", items: apiKeySchema } } } }, async (req) =>
    keys.list(adminContext(req).app),
  );

  app.post<{ Body: { name: string } }>(
    "/api_keys",
    { schema: { body: nameBodySchema, response: { 201: apiKeySchema } } },
    async (req, reply) => {
      const { app: target, operator } = adminContext(req);
      return reply.code(201).send(await keys.create(target, req.body.name, operator, req.ip));
    },
  );

  app.get<{ Params: KeyParams }>("/api_keys/:keyId", { schema: { params: apiKeyIdParams, response: { 200: apiKeySchema } } }, async (req) =>
    keys.get(adminContext(req).app, req.params.keyId),
  );

  app.delete<{ Params: KeyParams }>("/api_keys/:keyId", { schema: { params: apiKeyIdParams } }, async (req, reply) => {
    const { app: target, operator } = adminContext(req);
    await keys.delete(target, req.params.keyId, operator, req.ip);
    return reply.code(204).send();
  });

  for (const action of ["enable", "disable"] as const) {
    app.put<{ Params: KeyParams }>(`/api_keys/:keyId/${action}`, { schema: { params: apiKeyIdParams } }, async (req, reply) => {
      const { app: target, operator } = adminContext(req);
      await keys.setDisabled(target, req.params.keyId, action === "disable", operator, req.ip);
      return reply.code(204).send();
    });
  }
}
