import type { FastifyRequest } from "fastify";
import type { Operator } from "../../admin/index.js";
import type { AppRuntime } from "../../apps/app-runtime.js";
import type { Services } from "../../services.js";
import { bearerToken } from "../transport.js";

/** Who calls an app-scoped admin route, and on which app. */
export interface AdminAppContext {
  operator: Operator;
  app: AppRuntime;
}

const operators = new WeakMap<FastifyRequest, Operator>();
const apps = new WeakMap<FastifyRequest, AppRuntime>();

/** Authenticates the admin access token of a request (401 otherwise) and remembers the operator. */
export async function authenticateOperator(services: Services, req: FastifyRequest): Promise<Operator> {
  const operator = await services.admin.sessions.authenticate(bearerToken(req));
  operators.set(req, operator);
  return operator;
}

/** Records the app an app-scoped request is about (set by the scope's hook). */
export function setRequestApp(req: FastifyRequest, app: AppRuntime): void {
  apps.set(req, app);
}

/** The operator and app of a request inside the app scope (the scope's hook ran first). */
export function adminContext(req: FastifyRequest): AdminAppContext {
  const operator = operators.get(req);
  const app = apps.get(req);
  if (!operator || !app) throw new Error("admin route outside the app scope");
  return { operator, app };
}

/** The operator of a request that passed `authenticateOperator`. */
export function requestOperator(req: FastifyRequest): Operator {
  const operator = operators.get(req);
  if (!operator) throw new Error("admin route without authentication");
  return operator;
}
