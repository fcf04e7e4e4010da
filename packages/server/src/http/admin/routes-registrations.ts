import type { FastifyInstance } from "fastify";
import type { AdminRouteOptions } from "./app-scope.js";
import { adminContext } from "./context.js";
import { emailParams, pendingListQuerySchema, pendingUserSchema } from "./schemas.js";

interface EmailParams {
  email: string;
}

/** `user_registrations/…` (PROTOCOL.md §11.2): pending email/password registrations, by email. */
export async function registrationRoutes(app: FastifyInstance, { services }: AdminRouteOptions): Promise<void> {
  const pending = services.admin.pending;
  const base = "/user_registrations";

  app.get<{ Querystring: { after?: string; limit?: string } }>(
    `${base}/pending_users`,
    { schema: { querystring: pendingListQuerySchema, response: { 200: { type: "array", items: pendingUserSchema } } } },
    async (req) =>
      pending.list(adminContext(req).app, req.query.after, req.query.limit === undefined ? undefined : Number(req.query.limit)),
  );

  app.delete<{ Params: EmailParams }>(`${base}/by_email/:email`, { schema: { params: emailParams } }, async (req, reply) => {
    const { app: target, operator } = adminContext(req);
    await pending.delete(target, req.params.email, operator, req.ip);
    return reply.code(204).send();
  });

  app.post<{ Params: EmailParams }>(`${base}/by_email/:email/confirm`, { schema: { params: emailParams } }, async (req, reply) => {
    const { app: target, operator } = adminContext(req);
    await pending.confirm(target, req.params.email, operator, req.ip);
    return reply.code(204).send();
  });

  app.post<{ Params: EmailParams }>(`${base}/by_email/:email/send_confirm`, { schema: { params: emailParams } }, async (req, reply) => {
    const { app: target, operator } = adminContext(req);
    await pending.sendConfirmation(target, req.params.email, operator, req.ip);
    return reply.code(200).send({});
  });

  app.post<{ Params: EmailParams }>(`${base}/by_email/:email/run_confirm`, { schema: { params: emailParams } }, async (req, reply) => {
    const { app: target, operator } = adminContext(req);
    await pending.runConfirmation(target, req.params.email, operator, req.ip);
    return reply.code(202).send({});
  });
}
