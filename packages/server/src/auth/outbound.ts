/**
 * Requests Gatehouse makes to identity providers (JWKS, token endpoints, Graph API). Each has a time
 * limit, so a provider that hangs costs a login a bounded wait, never a stuck request.
 */

/** Why an outbound request produced no usable answer. */
export class OutboundError extends Error {
  constructor(
    /** `timeout`, `network` (refused, reset, DNS) or `status` (a non-2xx answer). */
    readonly kind: "timeout" | "network" | "status" | "body",
    message: string,
    /** The HTTP status, for `status`. */
    readonly status?: number,
    /** The parsed JSON body of a non-2xx answer, if it had one. */
    readonly body?: unknown,
  ) {
    super(message);
    this.name = "OutboundError";
  }
}

/** An HTTP request with a JSON answer, given up after `timeoutMs`. Never follows redirects. */
export async function fetchJson(
  url: string,
  timeoutMs: number,
  init: { method?: string; headers?: Record<string, string>; form?: Record<string, string> } = {},
): Promise<unknown> {
  const signal = AbortSignal.timeout(timeoutMs);
  const headers: Record<string, string> = { accept: "application/json", ...init.headers };
  let body: string | undefined;
  if (init.form) {
    headers["content-type"] = "application/x-www-form-urlencoded";
    body = new URLSearchParams(init.form).toString();
  }
  let response: Response;
  try {
    response = await fetch(url, { method: init.method ?? (body ? "POST" : "GET"), headers, body, signal, redirect: "manual" });
  } catch (error) {
    if (signal.aborted) throw new OutboundError("timeout", `no answer from ${origin(url)} within ${timeoutMs} ms`);
    throw new OutboundError("network", `${origin(url)} could not be reached: ${(error as Error).message}`);
  }
  let parsed: unknown;
  try {
    const text = await response.text();
    parsed = text === "" ? undefined : JSON.parse(text);
  } catch {
    if (signal.aborted) throw new OutboundError("timeout", `no answer from ${origin(url)} within ${timeoutMs} ms`);
    if (!response.ok) throw new OutboundError("status", `${origin(url)} answered ${response.status}`, response.status);
    throw new OutboundError("body", `${origin(url)} answered something that is not JSON`);
  }
  if (!response.ok) throw new OutboundError("status", `${origin(url)} answered ${response.status}`, response.status, parsed);
  return parsed;
}

// Error messages name the host only: a query string may carry a token.
function origin(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return "the identity provider";
  }
}
