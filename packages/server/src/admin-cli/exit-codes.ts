import { GatehouseError } from "../errors.js";

/**
 * Exit codes of the admin commands, for scripts: what went wrong, without parsing messages.
 * 0 ok · 1 any other failure · 2 usage · 3 not found · 4 refused (bad or missing key, not allowed) ·
 * 5 server unreachable · 6 request rejected (bad input, conflict).
 */
export const ExitCode = { ok: 0, failure: 1, usage: 2, notFound: 3, refused: 4, unreachable: 5, rejected: 6 } as const;

/** The exit code for an HTTP status (of an admin API answer or a GatehouseError). */
export function exitCodeForStatus(status: number): number {
  if (status === 404) return ExitCode.notFound;
  if (status === 401 || status === 403 || status === 429) return ExitCode.refused;
  if (status >= 400 && status < 500) return ExitCode.rejected;
  return ExitCode.failure;
}

/** The exit code for anything a command threw. */
export function exitCodeFor(error: unknown): number {
  if ((error as { usage?: unknown })?.usage === true) return ExitCode.usage;
  if (error instanceof GatehouseError) return exitCodeForStatus(error.status);
  const status = (error as { status?: unknown })?.status;
  if (typeof status === "number") return exitCodeForStatus(status);
  if ((error as { unreachable?: unknown })?.unreachable === true) return ExitCode.unreachable;
  return ExitCode.failure;
}
