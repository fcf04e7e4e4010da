import type { FastifyInstance, FastifyReply } from "fastify";
import type { UserSearchInput } from "../../admin/index.js";
import type { AdminRouteOptions } from "./app-scope.js";
import { adminContext } from "./context.js";
import {
  adminUserDetailSchema,
  adminUserSchema,
  deviceSchema,
  emailBodySchema,
  emailPasswordBodySchema,
  tokenBodySchema,
  userIdParams,
  userListQuerySchema,
} from "./schemas.js";

type UserListQuery = Partial<Record<keyof typeof userListQuerySchema.properties, string>>;
interface UserParams {
  userId: string;
}

/** `users…` of one app (PROTOCOL.md §11.2), plus Gatehouse's search filters on the list. */
export async function userRoutes(app: FastifyInstance, { services }: AdminRouteOptions): Promise<void> {
  const users = services.admin.users;

  app.get<{ Querystring: UserListQuery }>(
    "/users",
    { schema: { querystring: userListQuerySchema, response: { 200: { type: "array", items: adminUserSchema } } } },
    async (req) => users.search(adminContext(req).app, toSearchInput(req.query)),
  );

  app.post<{ Body: { email: string; password: string } }>(
    "/users",
    { schema: { body: emailPasswordBodySchema, response: { 201: adminUserSchema } } },
    async (req, reply) => {
      const { app: target, operator } = adminContext(req);
      return reply.code(201).send(await users.create(target, req.body.email, req.body.password, operator, req.ip));
    },
  );

  app.post<{ Body: { token: string } }>("/users/verify_token", { schema: { body: tokenBodySchema } }, async (req, reply) =>
    sendJson(reply, await users.verifyToken(adminContext(req).app, req.body.token)),
  );

  app.get<{ Params: UserParams }>(
    "/users/:userId",
    { schema: { params: userIdParams, response: { 200: adminUserDetailSchema } } },
    async (req) => users.get(adminContext(req).app, req.params.userId),
  );

  app.delete<{ Params: UserParams }>("/users/:userId", { schema: { params: userIdParams } }, async (req, reply) => {
    const { app: target, operator } = adminContext(req);
    await users.delete(target, req.params.userId, operator, req.ip);
    return reply.code(204).send();
  });

  for (const action of ["enable", "disable"] as const) {
    app.put<{ Params: UserParams }>(`/users/:userId/${action}`, { schema: { params: userIdParams } }, async (req, reply) => {
      const { app: target, operator } = adminContext(req);
      await users.setDisabled(target, req.params.userId, action === "disable", operator, req.ip);
      return reply.code(204).send();
    });
  }

  app.put<{ Params: UserParams }>("/users/:userId/logout", { schema: { params: userIdParams } }, async (req, reply) => {
    const { app: target, operator } = adminContext(req);
    await users.logout(target, req.params.userId, operator, req.ip);
    return reply.code(204).send();
  });

  app.get<{ Params: UserParams }>(
    "/users/:userId/devices",
    { schema: { params: userIdParams, response: { 200: { type: "array", items: deviceSchema } } } },
    async (req) => users.devices(adminContext(req).app, req.params.userId),
  );

  app.patch<{ Params: UserParams; Body: { email: string } }>(
    "/users/:userId/reset_email",
    { schema: { params: userIdParams, body: emailBodySchema } },
    async (req, reply) => {
      const { app: target, operator } = adminContext(req);
      await users.resetEmail(target, req.params.userId, req.body.email, operator, req.ip);
      return reply.code(204).send();
    },
  );
}

/** The query string as search input (the schema has checked every value's shape). */
export function toSearchInput(query: UserListQuery): UserSearchInput {
  const input: UserSearchInput = {};
  if (query.after !== undefined) input.after = query.after;
  if (query.desc !== undefined) input.desc = query.desc === "true";
  if (query.limit !== undefined) input.limit = Number(query.limit);
  if (query.disabled !== undefined) input.disabled = query.disabled === "true";
  for (const key of ["email", "id", "provider", "created_after", "created_before", "last_login_after", "last_login_before"] as const) {
    if (query[key] !== undefined) input[key] = query[key];
  }
  return input;
}

/** Any JSON value, strings included (Fastify would send a bare string as text/plain). */
function sendJson(reply: FastifyReply, value: unknown): FastifyReply {
  return reply.header("content-type", "application/json").send(Buffer.from(JSON.stringify(value)));
}
