import type { FastifyInstance } from "fastify";
import type { AuditLogInput, LogStatsInput } from "../../admin/index.js";
import type { AdminRouteOptions } from "./app-scope.js";
import { adminContext } from "./context.js";
import {
  auditEventSchema,
  authProviderSchema,
  logQuerySchema,
  logStatsQuerySchema,
  logStatsSchema,
  providerIdParams,
  refreshExpirationSchema,
} from "./schemas.js";

/** Run-time configuration (`auth_providers`, `security/refresh_token_expiration`) and the audit log (`logs`). */
export async function configRoutes(app: FastifyInstance, { services }: AdminRouteOptions): Promise<void> {
  const runtime = services.admin.runtime;

  app.get("/auth_providers", { schema: { response: { 200: { type: "array", items: authProviderSchema } } } }, async (req) =>
    runtime.listProviders(adminContext(req).app),
  );

  for (const action of ["enable", "disable"] as const) {
    app.put<{ Params: { providerId: string } }>(
      `/auth_providers/:providerId/${action}`,
      { schema: { params: providerIdParams } },
      async (req, reply) => {
        const { app: target, operator } = adminContext(req);
        await runtime.setProviderDisabled(target, req.params.providerId, action === "disable", operator, req.ip);
        return reply.code(204).send();
      },
    );
  }

  app.get("/security/refresh_token_expiration", { schema: { response: { 200: refreshExpirationSchema } } }, async (req) =>
    runtime.refreshTokenExpiration(adminContext(req).app),
  );

  app.put<{ Body: { expiration_time_seconds: number } }>(
    "/security/refresh_token_expiration",
    { schema: { body: refreshExpirationSchema } },
    async (req, reply) => {
      const { app: target, operator } = adminContext(req);
      await runtime.setRefreshTokenExpiration(target, req.body.expiration_time_seconds, operator, req.ip);
      return reply.code(204).send();
    },
  );

  app.get<{ Querystring: Record<string, string | undefined> }>(
    "/logs",
    { schema: { querystring: logQuerySchema, response: { 200: { type: "array", items: auditEventSchema } } } },
    async (req) => {
      const q = req.query;
      const input: AuditLogInput = {};
      for (const key of ["user_id", "type", "result", "start_date", "end_date", "after"] as const) {
        if (q[key] !== undefined) input[key] = q[key];
      }
      if (q.limit !== undefined) input.limit = Number(q.limit);
      return services.admin.logs.search(adminContext(req).app, input);
    },
  );

  app.get<{ Querystring: Record<string, string | undefined> }>(
    "/logs/stats",
    { schema: { querystring: logStatsQuerySchema, response: { 200: logStatsSchema } } },
    async (req) => {
      const q = req.query;
      const input: LogStatsInput = { bucket: q.bucket === "day" ? "day" : "hour" };
      for (const key of ["user_id", "type", "result", "start_date", "end_date"] as const) {
        if (q[key] !== undefined) input[key] = q[key];
      }
      if (q.utc_offset !== undefined) input.utc_offset = Number(q.utc_offset);
      return services.admin.logStats.stats(adminContext(req).app, input);
    },
  );
}
