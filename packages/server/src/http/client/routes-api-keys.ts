import type { FastifyInstance } from "fastify";
import { bodyObject, requireString } from "../../input.js";
import type { Services } from "../../services.js";
import { assertOrigin } from "../origin.js";
import { bearerToken } from "../transport.js";

const keySchema = {
  type: "object",
  required: ["_id", "name", "disabled"],
  properties: { _id: { type: "string" }, key: { type: "string" }, name: { type: "string" }, disabled: { type: "boolean" } },
} as const;

/** `/auth/api_keys` (PROTOCOL.md §9): every route authenticates with the **refresh** token. */
export async function apiKeyRoutes(app: FastifyInstance, { services }: { services: Services }): Promise<void> {
  const caller = async (req: Parameters<typeof bearerToken>[0]) => {
    const context = await services.sessions.authenticateRefresh(bearerToken(req));
    assertOrigin(context.app, req);
    return context;
  };

  app.post("/auth/api_keys", { schema: { response: { 201: keySchema } } }, async (req, reply) => {
    const context = await caller(req);
    const created = await services.apiKeys.create(context, requireString(bodyObject(req.body), "name", 256));
    return reply.code(201).send(created);
  });
  app.get("/auth/api_keys", { schema: { response: { 200: { type: "array", items: keySchema } } } }, async (req) =>
    services.apiKeys.list(await caller(req)),
  );
  app.get<{ Params: { id: string } }>("/auth/api_keys/:id", { schema: { response: { 200: keySchema } } }, async (req) =>
    services.apiKeys.get(await caller(req), req.params.id),
  );
  app.delete<{ Params: { id: string } }>("/auth/api_keys/:id", async (req, reply) => {
    await services.apiKeys.delete(await caller(req), req.params.id);
    return reply.code(204).send();
  });
  for (const action of ["enable", "disable"] as const) {
    app.put<{ Params: { id: string } }>(`/auth/api_keys/:id/${action}`, async (req, reply) => {
      await services.apiKeys.setDisabled(await caller(req), req.params.id, action === "disable");
      return reply.code(204).send();
    });
  }
}
