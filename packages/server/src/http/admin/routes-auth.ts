import type { FastifyInstance } from "fastify";
import { bearerToken } from "../transport.js";
import type { AdminRouteOptions } from "./app-scope.js";
import { authenticateOperator } from "./context.js";
import { adminLoginBodySchema, adminLoginResponseSchema, adminProfileSchema } from "./schemas.js";

const PROVIDER = "mongodb-cloud";

/** `/auth/…` of the admin API (PROTOCOL.md §11.1): operator-key login and the admin session. */
export async function adminAuthRoutes(app: FastifyInstance, { services }: AdminRouteOptions): Promise<void> {
  const admin = services.admin;

  app.get("/auth/providers", async () => [{ _id: PROVIDER, name: PROVIDER, type: PROVIDER, disabled: false }]);

  app.post<{ Body: { username: string; apiKey: string } }>(
    `/auth/providers/${PROVIDER}/login`,
    { schema: { body: adminLoginBodySchema, response: { 200: adminLoginResponseSchema } } },
    async (req) => admin.sessions.login(req.body.username, req.body.apiKey, req.ip),
  );

  app.post(
    "/auth/session",
    { schema: { response: { 201: { type: "object", properties: { access_token: { type: "string" } } } } } },
    async (req, reply) => reply.code(201).send(await admin.sessions.refresh(bearerToken(req), req.ip)),
  );

  app.delete("/auth/session", async (req, reply) => {
    await admin.sessions.logout(bearerToken(req), req.ip);
    return reply.code(204).send();
  });

  app.get("/auth/profile", { schema: { response: { 200: adminProfileSchema } } }, async (req) => {
    const operator = await authenticateOperator(services, req);
    return {
      user_id: operator.keyId,
      domain_id: admin.apps.groupId,
      identities: [{ id: operator.username, provider_type: PROVIDER, provider_id: PROVIDER }],
      data: { name: operator.name },
      type: "normal",
      roles: [{ role_name: "GROUP_OWNER", group_id: admin.apps.groupId }],
    };
  });
}
