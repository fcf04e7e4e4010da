import type { FastifyRequest } from "fastify";
import type { AppRuntime } from "../apps/app-runtime.js";
import { Errors } from "../errors.js";

/** Enforces the app's `allowed_request_origins` on browser requests (those carrying Origin). */
export function assertOrigin(app: AppRuntime, req: FastifyRequest): void {
  const allowed = app.config.allowedRequestOrigins;
  const origin = req.headers.origin;
  if (allowed.length === 0 || origin === undefined) return;
  if (!allowed.includes(origin)) throw Errors.domainNotAllowed(origin);
}
