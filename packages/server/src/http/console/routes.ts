import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from "fastify";
import { Errors } from "../../errors.js";
import { sendError } from "../transport.js";
import { CONSOLE_SECURITY_HEADERS, type ConsoleAsset, type ConsoleAssets } from "./assets.js";

/** Options of {@link consoleRoutes}. */
export interface ConsoleRouteOptions {
  /** The built console; undefined when it is not installed (every console path then answers 404). */
  assets: ConsoleAssets | undefined;
}

function accepts(req: FastifyRequest, encoding: string): boolean {
  const header = req.headers["accept-encoding"];
  return typeof header === "string" && header.split(",").some((part) => part.trim().split(";")[0] === encoding);
}

function sendAsset(req: FastifyRequest, reply: FastifyReply, asset: ConsoleAsset): FastifyReply {
  reply.headers(CONSOLE_SECURITY_HEADERS);
  reply.header("etag", asset.etag);
  // index.html names the hashed assets, so it is revalidated every time; the assets never change.
  reply.header("cache-control", asset.immutable ? "public, max-age=31536000, immutable" : "no-cache");
  reply.header("vary", "accept-encoding");
  if (req.headers["if-none-match"] === asset.etag) return reply.code(304).send();
  reply.header("content-type", asset.contentType);
  if (asset.gzip && accepts(req, "gzip")) {
    reply.header("content-encoding", "gzip");
    return reply.send(asset.gzip);
  }
  return reply.send(asset.body);
}

/**
 * Serves the operator console at `/console/`. The console is a static single-page app (hash routes),
 * so only the files of its build exist; anything else under `/console/` is a 404.
 */
export const consoleRoutes: FastifyPluginAsync<ConsoleRouteOptions> = async (app, { assets }) => {
  app.get("/console", (_req, reply) => reply.redirect("/console/", 301));
  app.get("/console/*", (req, reply) => {
    if (!assets) return sendError(reply, Errors.consoleNotInstalled());
    const path = (req.params as { "*": string })["*"] || "index.html";
    const asset = assets.get(path);
    if (!asset) return sendError(reply, Errors.consoleFileNotFound(path));
    return sendAsset(req, reply, asset);
  });
};
