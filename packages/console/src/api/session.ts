/**
 * The admin session: the tokens of one operator login, kept in memory and mirrored to
 * `sessionStorage` so a reload of the tab stays signed in while closing it signs out. Never a cookie:
 * the server's client routes must not receive admin credentials by accident, and a cookie would be
 * sent with every request to this origin.
 */

/** What the console keeps of an admin login. */
export interface AdminSession {
  accessToken: string;
  refreshToken: string;
  /** The operator key's public part, shown in the header. */
  username: string;
  /** The project (group) the operator's key belongs to: `roles[0].group_id` of `/auth/profile`. */
  groupId: string;
}

const KEY = "gatehouse-console:session";

let current: AdminSession | null = read();
const listeners = new Set<(session: AdminSession | null) => void>();

function read(): AdminSession | null {
  try {
    const raw = sessionStorage.getItem(KEY);
    if (!raw) return null;
    const parsed = JSON.parse(raw) as Partial<AdminSession>;
    if (typeof parsed.accessToken !== "string" || typeof parsed.refreshToken !== "string" || typeof parsed.groupId !== "string") {
      return null;
    }
    return { accessToken: parsed.accessToken, refreshToken: parsed.refreshToken, username: parsed.username ?? "", groupId: parsed.groupId };
  } catch {
    // Storage disabled (private mode, sandboxed frame): the session lives in memory only.
    return null;
  }
}

/** The signed-in session, or null. */
export function getSession(): AdminSession | null {
  return current;
}

/** Replaces the session (null signs out) and tells every listener. */
export function setSession(session: AdminSession | null): void {
  current = session;
  try {
    if (session) sessionStorage.setItem(KEY, JSON.stringify(session));
    else sessionStorage.removeItem(KEY);
  } catch {
    // See read(): memory is enough for this tab.
  }
  for (const listener of listeners) listener(session);
}

/** Calls `listener` on every change; returns the unsubscribe function. */
export function onSessionChange(listener: (session: AdminSession | null) => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}
