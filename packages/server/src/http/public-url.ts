import type { FastifyRequest } from "fastify";
import { unmapIpv4 } from "./proxy-trust.js";

/**
 * The base URL clients should use, as `/location` reports it: the configured `publicUrl`, or else the
 * address the connection reached. A `Host` header is believed only when it names `localhost` or that
 * same address: any other name is the client's say-so (or a proxy's), and reflecting it would let one
 * client point another at a host of its choosing. `X-Forwarded-Host` is never read.
 */
export function publicBaseUrl(req: FastifyRequest, configured: string | undefined): string {
  if (configured) return configured;
  const socket = req.raw.socket;
  const local = unmapIpv4(socket.localAddress ?? "127.0.0.1");
  const given = parseHost(req.headers.host ?? "");
  const believed = given !== undefined && (given.name.toLowerCase() === "localhost" || unmapIpv4(given.name) === local);
  const name = believed ? given.name : local;
  // realm-cpp sends Host without the port; the socket knows which port it reached.
  const port = (believed ? given.port : undefined) ?? socket.localPort;
  const scheme = (socket as { encrypted?: boolean }).encrypted ? "https" : "http";
  const defaultPort = scheme === "https" ? 443 : 80;
  const host = name.includes(":") ? `[${name}]` : name;
  return `${scheme}://${host}${port && port !== defaultPort ? `:${port}` : ""}`;
}

/** `name[:port]` or `[v6][:port]`, or undefined when the header is not of that form. */
function parseHost(header: string): { name: string; port?: number } | undefined {
  const match = /^(?:\[([0-9a-fA-F:.]+)\]|([^:[\]]+))(?::(\d{1,5}))?$/.exec(header.trim());
  if (!match) return undefined;
  const name = match[1] ?? match[2]!;
  return match[3] === undefined ? { name } : { name, port: Number(match[3]) };
}
