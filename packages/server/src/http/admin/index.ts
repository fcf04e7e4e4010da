import type { FastifyInstance } from "fastify";
import { appScope, type AdminRouteOptions } from "./app-scope.js";
import { authenticateOperator } from "./context.js";
import { adminAuthRoutes } from "./routes-auth.js";
import { appViewSchema } from "./schemas.js";
import { installBodyParsers } from "../transport.js";

export { appScopedRoutes, type AdminRouteOptions } from "./app-scope.js";
export { adminContext, type AdminAppContext } from "./context.js";

/** The admin API, mounted at `/api/admin/v3.0`. */
export async function adminRoutes(app: FastifyInstance, { services }: AdminRouteOptions): Promise<void> {
  // Admin clients (scripts, the CLI, the console) send plain JSON, not EJSON: `7200` is a number here.
  // The default parser is plain JSON with the depth bound (ejson.ts).
  installBodyParsers(app);
  await app.register(adminAuthRoutes, { services });

  app.get<{ Params: { groupId: string } }>(
    "/groups/:groupId/apps",
    { schema: { response: { 200: { type: "array", items: appViewSchema } } } },
    async (req) => {
      await authenticateOperator(services, req);
      services.admin.apps.checkGroup(req.params.groupId);
      return services.admin.apps.list();
    },
  );
  app.get<{ Params: { groupId: string; appId: string } }>(
    "/groups/:groupId/apps/:appId",
    { schema: { response: { 200: appViewSchema } } },
    async (req) => {
      await authenticateOperator(services, req);
      return services.admin.apps.view(services.admin.apps.resolve(req.params.groupId, req.params.appId));
    },
  );

  await app.register(appScope, { services, prefix: "/groups/:groupId/apps/:appId" });
}
