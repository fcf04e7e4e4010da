import type { FastifyInstance, FastifyPluginAsync, FastifyRequest } from "fastify";
import type { Services } from "../../services.js";
import { authenticateOperator, setRequestApp } from "./context.js";
import { serverApiKeyRoutes } from "./routes-api-keys.js";
import { configRoutes } from "./routes-config.js";
import { importRoutes } from "./routes-import.js";
import { registrationRoutes } from "./routes-registrations.js";
import { userRoutes } from "./routes-users.js";

/** What every admin route plugin is registered with. */
export interface AdminRouteOptions {
  services: Services;
}

/**
 * The route plugins served under `/groups/{groupId}/apps/{appId}`. Each is registered inside the scope,
 * so its routes are authenticated, group-checked and app-resolved before they run: a plugin reads the
 * operator and app with `adminContext(req)`. To add routes (import, export...), append a plugin here.
 */
export const appScopedRoutes: FastifyPluginAsync<AdminRouteOptions>[] = [
  userRoutes,
  registrationRoutes,
  serverApiKeyRoutes,
  configRoutes,
  importRoutes,
];

/** `/groups/{groupId}/apps/{appId}/…`: authentication (401), then group and app (404), then the route. */
export async function appScope(app: FastifyInstance, { services }: AdminRouteOptions): Promise<void> {
  // onRequest: a caller without a valid admin token learns nothing, not even that its body is malformed.
  app.addHook("onRequest", async (req: FastifyRequest) => {
    await authenticateOperator(services, req);
    const { groupId, appId } = req.params as { groupId: string; appId: string };
    setRequestApp(req, services.admin.apps.resolve(groupId, appId));
  });
  for (const plugin of appScopedRoutes) await app.register(plugin, { services });
}
