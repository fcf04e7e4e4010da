import type { Socket } from "node:net";
import type { FastifyError, FastifyReply, FastifyRequest } from "fastify";
import { Errors, type GatehouseError } from "../errors.js";

/**
 * Response headers every answer carries: `nosniff`, so a browser never renders an error body or an
 * EJSON result as something else; `no-store`, because login, refresh and API-key answers carry tokens
 * and every other answer is one user's data. Set as each request arrives (an `onSend` hook would cost a
 * hook run per response on the hot paths); a route that sets its own Cache-Control replaces it, and
 * error answers keep both (Fastify's error path leaves the reply's headers alone).
 */
export function setSecurityHeaders(reply: FastifyReply): void {
  reply.header("x-content-type-options", "nosniff");
  reply.header("cache-control", "no-store");
}

/**
 * Whether CORS answers a browser origin. `Origin: null` (sandboxed iframes, `file:` pages, some
 * redirects) is shared by every such page, so crediting it would credit all of them.
 */
export function corsOrigin(origin: string | undefined, done: (error: Error | null, allow: boolean) => void): void {
  done(null, origin !== undefined && origin !== "null");
}

/** Fastify's router errors (bad percent-encoding, over-long path segment) as App Services bodies. */
export function frameworkError(send: (reply: FastifyReply, error: GatehouseError) => FastifyReply) {
  return (error: FastifyError, _req: FastifyRequest, reply: FastifyReply): void => {
    setSecurityHeaders(reply);
    send(reply, error.code === "FST_ERR_MAX_PARAM_LENGTH" ? Errors.urlParameterTooLong() : Errors.badUrl());
  };
}

/**
 * What Node's HTTP parser refuses before Fastify sees a request (headers too large, a request that did
 * not arrive in time, bytes that are not HTTP), answered with an App Services body and the connection
 * closed: after a parse error the stream cannot be trusted for a next request.
 */
export function clientErrorHandler(error: Error & { code?: string }, socket: Socket): void {
  if (error.code === "ECONNRESET" || socket.destroyed) return;
  const mapped =
    error.code === "HPE_HEADER_OVERFLOW"
      ? Errors.headersTooLarge()
      : error.code === "ERR_HTTP_REQUEST_TIMEOUT"
        ? Errors.requestTimeout()
        : Errors.malformedRequest();
  const body = JSON.stringify({ error: mapped.message, error_code: mapped.code, reason: mapped.reason });
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${mapped.status} ${statusText(mapped.status)}\r\n` +
        "Content-Type: application/json\r\nX-Content-Type-Options: nosniff\r\nCache-Control: no-store\r\n" +
        `Connection: close\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
    );
  }
  socket.destroy();
}

function statusText(status: number): string {
  return { 400: "Bad Request", 408: "Request Timeout", 431: "Request Header Fields Too Large" }[status] ?? "Error";
}
