import type { FastifyInstance, FastifyRequest } from "fastify";
import type { Services } from "../../services.js";
import { assertOrigin } from "../origin.js";
import { bearerToken } from "../transport.js";
import { apiKeyCreateSchema } from "./body-schemas.js";

const keySchema = {
  type: "object",
  required: ["_id", "name", "disabled"],
  properties: { _id: { type: "string" }, key: { type: "string" }, name: { type: "string" }, disabled: { type: "boolean" } },
} as const;

/** `/auth/api_keys` (PROTOCOL.md §9): every route authenticates with the **refresh** token. */
export async function apiKeyRoutes(app: FastifyInstance, { services }: { services: Services }): Promise<void> {
  const authenticate = async (req: FastifyRequest) => {
    const context = await services.sessions.authenticateRefresh(bearerToken(req));
    assertOrigin(context.app, req);
    return context;
  };
  // Every route authenticates before its body is validated: an anonymous request learns nothing.
  const callers = new WeakMap<FastifyRequest, Awaited<ReturnType<typeof authenticate>>>();
  app.addHook("preValidation", async (req) => {
    callers.set(req, await authenticate(req));
  });
  const caller = async (req: FastifyRequest) => callers.get(req) ?? authenticate(req);

  app.post<{ Body: { name: string } }>(
    "/auth/api_keys",
    { schema: { body: apiKeyCreateSchema, response: { 201: keySchema } } },
    async (req, reply) => {
      const context = await caller(req);
      const created = await services.apiKeys.create(context, req.body.name);
      return reply.code(201).send(created);
    },
  );
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
