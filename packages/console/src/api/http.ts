import { getSession, setSession } from "./session.js";

/** The Admin API v3 base path on the server that serves the console. */
export const ADMIN_BASE = "/api/admin/v3.0";

/**
 * An error answered by the admin API (its App Services body: `error`, `error_code`), or a network
 * failure (`status` 0). Views show `message` as the server wrote it.
 */
export class AdminApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** Gatehouse's stable name for the error (`reason` in the body), when the server sends one. */
    readonly reason?: string,
  ) {
    super(message);
    this.name = "AdminApiError";
  }

  /** The route does not exist on this server (an older or partial admin API). */
  get routeMissing(): boolean {
    return this.status === 404 && this.reason === "routeNotFound";
  }
}

/** Options of one admin call. */
export interface CallOptions {
  method?: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  body?: unknown;
  query?: Record<string, string | number | boolean | undefined>;
  signal?: AbortSignal;
  /** Bearer token to send instead of the session's access token (refresh and sign-out use the refresh token). */
  token?: string | null;
}

function withQuery(path: string, query: CallOptions["query"]): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query ?? {})) {
    if (value !== undefined && value !== "") params.set(name, String(value));
  }
  const text = params.toString();
  return text ? `${path}?${text}` : path;
}

async function send(path: string, options: CallOptions, token: string | null): Promise<Response> {
  const headers: Record<string, string> = { accept: "application/json" };
  if (options.body !== undefined) headers["content-type"] = "application/json";
  if (token) headers.authorization = `Bearer ${token}`;
  try {
    return await fetch(ADMIN_BASE + withQuery(path, options.query), {
      method: options.method ?? "GET",
      headers,
      ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
      // The admin session travels in the Authorization header only.
      credentials: "omit",
      cache: "no-store",
    });
  } catch (error) {
    if ((error as Error).name === "AbortError") throw error;
    throw new AdminApiError(0, "NetworkError", "the server cannot be reached");
  }
}

async function errorOf(response: Response): Promise<AdminApiError> {
  let code = `HTTP${response.status}`;
  let message = `${response.status} ${response.statusText}`.trim();
  let reason: string | undefined;
  try {
    const body = (await response.json()) as { error?: unknown; error_code?: unknown; reason?: unknown };
    if (typeof body.error === "string" && body.error) message = body.error;
    if (typeof body.error_code === "string" && body.error_code) code = body.error_code;
    if (typeof body.reason === "string") reason = body.reason;
  } catch {
    // Not JSON (a proxy's page): the status line is all there is.
  }
  return new AdminApiError(response.status, code, message, reason);
}

let refreshing: Promise<boolean> | null = null;

/** Trades the refresh token for a new access token; false when the session is over. */
function refreshAccessToken(): Promise<boolean> {
  refreshing ??= (async () => {
    const session = getSession();
    if (!session) return false;
    const response = await send("/auth/session", { method: "POST" }, session.refreshToken);
    if (!response.ok) {
      setSession(null);
      return false;
    }
    const { access_token } = (await response.json()) as { access_token: string };
    setSession({ ...session, accessToken: access_token });
    return true;
  })().finally(() => {
    refreshing = null;
  });
  return refreshing;
}

/**
 * Calls the admin API and returns the parsed JSON body (undefined for 204). An expired access token
 * is refreshed once, as the App Services SDKs do; a refused refresh ends the session.
 */
export async function adminCall<T>(path: string, options: CallOptions = {}): Promise<T> {
  const explicit = options.token !== undefined;
  let response = await send(path, options, explicit ? options.token! : (getSession()?.accessToken ?? null));
  if (response.status === 401 && !explicit && getSession()) {
    if (await refreshAccessToken()) response = await send(path, options, getSession()!.accessToken);
  }
  if (!response.ok) throw await errorOf(response);
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  return (text ? JSON.parse(text) : undefined) as T;
}
