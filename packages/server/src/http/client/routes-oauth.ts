import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { CallbackParams } from "../../auth/oauth-redirect.js";
import { Errors, GatehouseError } from "../../errors.js";
import type { Services } from "../../services.js";
import { assertOrigin } from "../origin.js";
import { publicBaseUrl } from "../public-url.js";
import { bearerToken, toGatehouseError } from "../transport.js";

interface LoginQuery {
  redirect?: string;
  state?: string;
  device?: string;
  link?: string;
  providerRedirectHeader?: string;
}

/**
 * The OAuth 2.0 browser redirect flow (PROTOCOL.md §3.5): `GET …/login` sends the browser to the
 * provider (or, linking from realm-web's fetch, answers 200 with `x-baas-location`); the provider comes
 * back to `/auth/callback`, which sends the browser on to the client's redirect URL. What a browser
 * window shows is an HTML page when something is wrong before a redirect can be trusted.
 */
export async function oauthRoutes(app: FastifyInstance, { services }: { services: Services }): Promise<void> {
  const callbackUrl = (req: FastifyRequest) => `${publicBaseUrl(req, services.config.publicUrl)}/api/client/v2.0/auth/callback`;

  app.get<{ Params: { appId: string; provider: string }; Querystring: LoginQuery }>(
    "/app/:appId/auth/providers/:provider/login",
    async (req, reply) => {
      const q = req.query;
      // realm-web reads a link's answer with fetch (JSON errors); a login's is a browser window (a page).
      const headerMode = q.providerRedirectHeader === "true";
      try {
        const target = services.apps.get(req.params.appId);
        if (!target) throw Errors.appNotFound(req.params.appId);
        assertOrigin(target, req);
        // A provider the app does not enable, or this build does not serve, is AuthProviderNotFound
        // before anything about the request itself, as on every other route of the provider.
        const unserved = services.logins.unservedProvider(target, req.params.provider);
        if (unserved) throw unserved;
        const linkTo = q.link === "true" ? await services.sessions.authenticateAccess(bearerToken(req)) : undefined;
        if (linkTo && linkTo.app.id !== target.id) throw Errors.appMismatch();
        if (typeof q.redirect !== "string" || q.redirect === "") throw Errors.missingParameter("'redirect' is required");
        const location = await services.oauth.start({
          app: target,
          providerName: req.params.provider,
          redirect: q.redirect,
          clientState: typeof q.state === "string" ? q.state : "",
          ...(typeof q.device === "string" ? { device: decodeDevice(q.device) } : {}),
          ...(linkTo ? { linkTo } : {}),
          callbackUrl: callbackUrl(req),
          ip: req.ip,
        });
        if (headerMode) return reply.code(200).header("x-baas-location", location).send();
        return reply.redirect(location, 302);
      } catch (error) {
        if (headerMode) throw error;
        return errorPage(reply, toGatehouseError(error));
      }
    },
  );

  const callback = async (req: FastifyRequest, reply: FastifyReply, params: CallbackParams) => {
    try {
      return reply.redirect(await services.oauth.complete(params, callbackUrl(req), req.ip), 302);
    } catch (error) {
      return errorPage(reply, toGatehouseError(error));
    }
  };
  app.get<{ Querystring: CallbackParams }>("/auth/callback", (req, reply) => callback(req, reply, pick(req.query)));
  // Apple answers with a form post when it was asked for the user's name or email.
  await app.register(async (form) => {
    form.addContentTypeParser("application/x-www-form-urlencoded", { parseAs: "string", bodyLimit: 64 * 1024 }, (_req, body, done) =>
      done(null, Object.fromEntries(new URLSearchParams(body as string))),
    );
    form.post("/auth/callback", (req, reply) => callback(req, reply, pick(req.body)));
  });
}

function pick(source: unknown): CallbackParams {
  const s = (typeof source === "object" && source !== null ? source : {}) as Record<string, unknown>;
  const text = (key: string) => (typeof s[key] === "string" ? (s[key] as string) : undefined);
  return {
    ...(text("state") !== undefined ? { state: text("state") } : {}),
    ...(text("code") !== undefined ? { code: text("code") } : {}),
    ...(text("error") !== undefined ? { error: text("error") } : {}),
    ...(text("error_description") !== undefined ? { error_description: text("error_description") } : {}),
    ...(text("user") !== undefined ? { user: text("user") } : {}),
  };
}

/** realm-web's `device`: standard base64 of plain JSON, `deviceId` a hex string (PROTOCOL.md §3.2). */
function decodeDevice(encoded: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(encoded, "base64").toString("utf8"));
    return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** A page a person can read, with the catalogue reason for scripts and tests. */
function errorPage(reply: FastifyReply, error: GatehouseError): FastifyReply {
  const escape = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
  const html =
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Login failed</title></head>` +
    `<body><h1>Login failed</h1><p id="error">${escape(error.message)}</p>` +
    `<p>Close this window and try again.</p></body></html>`;
  return reply
    .code(error.status)
    .header("content-type", "text/html; charset=utf-8")
    .header("x-gatehouse-reason", error.reason)
    .header("cache-control", "no-store")
    .send(html);
}
