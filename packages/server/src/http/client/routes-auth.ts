import type { FastifyInstance } from "fastify";
import type { Services } from "../../services.js";
import { toProfile } from "../../users/user-service.js";
import { assertOrigin } from "../origin.js";
import { bearerToken } from "../transport.js";
import { accessTokenResponseSchema, profileResponseSchema } from "./schemas.js";

/** Routes under `/api/client/v2.0/auth`: no app id in the path, the token names the app (§1.5). */
export async function authRoutes(app: FastifyInstance, { services }: { services: Services }): Promise<void> {
  app.post("/auth/session", { schema: { response: { 201: accessTokenResponseSchema } } }, async (req, reply) => {
    const result = await services.sessions.refresh(bearerToken(req), req.ip, (app) => assertOrigin(app, req));
    return reply.code(201).send(result);
  });

  app.delete("/auth/session", async (req, reply) => {
    await services.sessions.logout(bearerToken(req), req.ip, (app) => assertOrigin(app, req));
    return reply.code(204).send();
  });

  app.get("/auth/profile", { schema: { response: { 200: profileResponseSchema } } }, async (req) => {
    const caller = await services.sessions.authenticateAccess(bearerToken(req));
    assertOrigin(caller.app, req);
    return toProfile(caller.app, caller.user);
  });

  app.delete("/auth/delete", async (req, reply) => {
    const caller = await services.sessions.authenticateAccess(bearerToken(req));
    assertOrigin(caller.app, req);
    await services.users.delete(caller.app, caller.user, { ip: req.ip, actor: "user" });
    return reply.code(204).send();
  });
}
