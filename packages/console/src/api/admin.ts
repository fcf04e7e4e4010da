import { adminCall, AdminApiError } from "./http.js";
import { getSession, setSession, type AdminSession } from "./session.js";
import type { AdminApp, AdminUser, AuditEntry, AuthProviderEntry, Device, LogQuery, LogStats, PendingUser, UserQuery } from "./types.js";

/** Every admin API call the console makes, one function each: the console does nothing a script could not. */

/** Page size of the user and pending-registration lists (App Services answers at most 50). */
export const PAGE_SIZE = 50;
/** Page size the console asks of `…/logs` (the route's maximum). */
export const LOG_PAGE_SIZE = 100;

function group(): string {
  const session = getSession();
  if (!session) throw new AdminApiError(401, "InvalidSession", "signed out");
  return `/groups/${encodeURIComponent(session.groupId)}`;
}

function app(appId: string): string {
  return `${group()}/apps/${encodeURIComponent(appId)}`;
}

/** Logs in with an operator key and keeps the session (memory + sessionStorage). */
export async function signIn(username: string, apiKey: string): Promise<AdminSession> {
  const tokens = await adminCall<{ access_token: string; refresh_token: string }>("/auth/providers/mongodb-cloud/login", {
    method: "POST",
    body: { username, apiKey },
    token: null,
  });
  const profile = await adminCall<{ roles?: { group_id?: string }[] }>("/auth/profile", { token: tokens.access_token });
  const groupId = profile.roles?.[0]?.group_id;
  if (!groupId) throw new AdminApiError(500, "NoGroup", "the admin profile names no project (roles[0].group_id)");
  const session = { accessToken: tokens.access_token, refreshToken: tokens.refresh_token, username, groupId };
  setSession(session);
  return session;
}

/** Ends the admin session on the server, then forgets it here whatever the server said. */
export async function signOut(): Promise<void> {
  const session = getSession();
  try {
    if (session) await adminCall("/auth/session", { method: "DELETE", token: session.refreshToken });
  } finally {
    setSession(null);
  }
}

export const listApps = (signal?: AbortSignal) => adminCall<AdminApp[]>(`${group()}/apps`, { ...(signal ? { signal } : {}) });

export const listProviders = (appId: string, signal?: AbortSignal) =>
  adminCall<AuthProviderEntry[]>(`${app(appId)}/auth_providers`, { ...(signal ? { signal } : {}) });

export const setProviderEnabled = (appId: string, providerId: string, enabled: boolean) =>
  adminCall<void>(`${app(appId)}/auth_providers/${encodeURIComponent(providerId)}/${enabled ? "enable" : "disable"}`, { method: "PUT" });

/** One keyset page of users matching `query`, after the user id `after`. */
export const searchUsers = (appId: string, query: UserQuery, after: string | undefined, signal?: AbortSignal) =>
  adminCall<AdminUser[]>(`${app(appId)}/users`, { query: { ...query, after, sort: "_id" }, ...(signal ? { signal } : {}) });

export const getUser = (appId: string, userId: string, signal?: AbortSignal) =>
  adminCall<AdminUser>(`${app(appId)}/users/${encodeURIComponent(userId)}`, { ...(signal ? { signal } : {}) });

export const getDevices = (appId: string, userId: string, signal?: AbortSignal) =>
  adminCall<Device[]>(`${app(appId)}/users/${encodeURIComponent(userId)}/devices`, { ...(signal ? { signal } : {}) });

export const setUserDisabled = (appId: string, userId: string, disabled: boolean) =>
  adminCall<void>(`${app(appId)}/users/${encodeURIComponent(userId)}/${disabled ? "disable" : "enable"}`, { method: "PUT" });

export const logoutUser = (appId: string, userId: string) =>
  adminCall<void>(`${app(appId)}/users/${encodeURIComponent(userId)}/logout`, { method: "PUT" });

export const deleteUser = (appId: string, userId: string) =>
  adminCall<void>(`${app(appId)}/users/${encodeURIComponent(userId)}`, { method: "DELETE" });

export const listPending = (appId: string, after: string | undefined, signal?: AbortSignal) =>
  adminCall<PendingUser[]>(`${app(appId)}/user_registrations/pending_users`, { query: { after }, ...(signal ? { signal } : {}) });

const byEmail = (appId: string, email: string) => `${app(appId)}/user_registrations/by_email/${encodeURIComponent(email)}`;

export const confirmPending = (appId: string, email: string) => adminCall<void>(`${byEmail(appId, email)}/confirm`, { method: "POST" });

export const resendConfirmation = (appId: string, email: string) =>
  adminCall<void>(`${byEmail(appId, email)}/send_confirm`, { method: "POST" });

export const deletePending = (appId: string, email: string) => adminCall<void>(byEmail(appId, email), { method: "DELETE" });

/** One page of the audit log, newest first, older than the event id `after`. */
export const listLogs = (appId: string, query: LogQuery, after: string | undefined, signal?: AbortSignal) =>
  adminCall<AuditEntry[]>(`${app(appId)}/logs`, { query: { ...query, after, limit: LOG_PAGE_SIZE }, ...(signal ? { signal } : {}) });

/**
 * The audit log counted per hour or day over the query's range, in the browser's time zone (its UTC
 * offset at the start of the range): the charts' numbers, in one request whatever the event count.
 */
export const logStats = (appId: string, query: LogQuery, bucket: "hour" | "day", signal?: AbortSignal) =>
  adminCall<LogStats>(`${app(appId)}/logs/stats`, {
    query: { ...query, bucket, utc_offset: -new Date((query.start_date ?? Date.now() / 1000) * 1000).getTimezoneOffset() },
    ...(signal ? { signal } : {}),
  });
