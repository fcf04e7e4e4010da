/**
 * The OAuth 2.0 browser redirect flow (PROTOCOL §3.5), as realm-web does it: the login opens a window
 * on the server's login URL (or, when linking, asks the server for the provider URL with the user's
 * access token and opens that); the server sends the window back to the app's redirect page, whose
 * `handleAuthRedirect()` writes the result into the shared storage; the opener hears it and finishes.
 */
import type { AuthResponse } from "./authenticator.js";
import type { Credentials } from "./credentials.js";
import { ClientError, ClientErrorCode } from "./errors.js";
import type { Storage } from "./storage/storage.js";
import type { Fetcher } from "./transport/fetcher.js";
import type { Requester } from "./transport/requester.js";
import { appRoutes } from "./transport/routes.js";

/** The result keys of the redirect fragment, by their realm-web names. */
const FRAGMENT_KEYS = {
  _baas_client_app_id: "appId",
  _baas_ua: "userAuth",
  _baas_link: "link",
  _baas_error: "error",
  _baas_state: "state",
} as const;

/** What the redirect page received. */
export interface RedirectResult {
  appId?: string;
  userAuth?: string;
  link?: string;
  error?: string;
  state?: string;
}

/** Opens a window (browsers: `window.open`); returns something with `closed`, or null. */
export type OpenWindow = (url: string) => { closed: boolean; close(): void } | null;

const CLOSED_POLL_MS = 100;

/** The storage entry one login's result is written to. */
function resultStorage(storage: Storage, state: string): Storage {
  return storage.prefix("oauth2").prefix(`state(${state})`);
}

/** 12 random lowercase letters, as realm-web sends. */
export function newState(): string {
  const bytes = new Uint8Array(12);
  globalThis.crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => String.fromCharCode(97 + (b % 26))).join("");
}

/** Parses the fragment (or query string) the server redirected to. */
export function parseRedirectLocation(fragment: string): RedirectResult {
  const params = new URLSearchParams(fragment.replace(/^[#?]/, ""));
  const result: RedirectResult = {};
  for (const [key, name] of Object.entries(FRAGMENT_KEYS)) {
    const value = params.get(key);
    if (value) result[name] = value;
  }
  return result;
}

/**
 * Runs the redirect flow for credentials holding a `redirectUrl`.
 *
 * @param fetcher - Resolves the server location.
 * @param storage - The storage the redirect page's `handleAuthRedirect` writes to.
 * @param credentials - Google, Apple or Facebook credentials with `redirectUrl`.
 * @param device - Device information (sent for logins, not links).
 * @param linkingUser - When linking: the user whose access token authorises the link.
 * @param openWindow - Opens the login window.
 */
export async function redirectLogin(
  fetcher: Fetcher,
  storage: Storage,
  credentials: Credentials,
  device: Record<string, unknown>,
  linkingUser: Requester | undefined,
  openWindow: OpenWindow | undefined,
): Promise<AuthResponse> {
  const open = openWindow ?? defaultOpenWindow();
  const state = newState();
  const query = new URLSearchParams({
    ...(linkingUser ? { link: "true" } : {}),
    state,
    redirect: String(credentials.payload["redirectUrl"]),
    ...(linkingUser ? { providerRedirectHeader: "true" } : { device: base64(JSON.stringify(device)) }),
  });
  const path = `${appRoutes(fetcher.config.appId).login(credentials.providerName)}?${query}`;
  let url: string;
  if (linkingUser) {
    const response = await linkingUser.fetch({ method: "GET", path }, "access");
    const location = response.headers.get("x-baas-location");
    if (!location) throw new ClientError(ClientErrorCode.InvalidServerResponse, "Missing x-baas-location header");
    url = location;
  } else {
    url = (await fetcher.locationUrl) + path;
  }
  const result = await waitForRedirect(storage, state, url, open);
  if (result.error) throw new ClientError(ClientErrorCode.OAuthFailed, `OAuth 2.0 login failed: ${result.error}`);
  const parts = (result.userAuth ?? "").split("$");
  if (parts.length !== 4) throw new ClientError(ClientErrorCode.InvalidServerResponse, "Failed to decode the OAuth 2.0 result");
  const [accessToken, refreshToken, userId, deviceId] = parts as [string, string, string, string];
  return { accessToken, refreshToken: refreshToken === "" ? null : refreshToken, userId, deviceId };
}

function waitForRedirect(storage: Storage, state: string, url: string, open: OpenWindow): Promise<RedirectResult> {
  const entry = resultStorage(storage, state);
  return new Promise((resolve, reject) => {
    // The result cannot arrive before the window exists: it comes from a page the window loads.
    const popup = open(url);
    // Polling `closed`: a cross-origin window allows no listeners.
    const timer = setInterval(() => {
      if (popup && popup.closed && entry.get("result") === null) {
        finish();
        reject(new ClientError(ClientErrorCode.OAuthFailed, "The login window was closed"));
      }
    }, CLOSED_POLL_MS);
    const onChange = (): void => {
      const stored = entry.get("result");
      if (stored === null) return;
      finish();
      entry.clear();
      try {
        popup?.close();
      } catch {
        // A window of another origin may refuse; it closes itself or the user does.
      }
      resolve(JSON.parse(stored) as RedirectResult);
    };
    function finish(): void {
      entry.removeListener(onChange);
      clearInterval(timer);
    }
    entry.addListener(onChange);
  });
}

/**
 * Stores the redirect result for the window that started the login. Call it on the page the server
 * redirects to (the `redirectUrl`).
 *
 * @param fragment - The location's fragment (`location.hash`).
 * @param storage - The storage the opener's `App` uses.
 */
export function storeRedirectResult(fragment: string, storage: Storage): void {
  const result = parseRedirectLocation(fragment);
  if (!result.state) {
    throw new ClientError(ClientErrorCode.OAuthFailed, `Failed to handle OAuth 2.0 redirect${result.error ? `: ${result.error}` : "."}`);
  }
  resultStorage(storage, result.state).set("result", JSON.stringify(result));
}

function defaultOpenWindow(): OpenWindow {
  const open = (globalThis as { open?: (url: string) => { closed: boolean; close(): void } | null }).open;
  if (typeof open !== "function") {
    throw new ClientError(ClientErrorCode.NotSupported, "OAuth 2.0 redirect logins need a browser window (window.open)");
  }
  return (url) => open.call(globalThis, url);
}

function base64(text: string): string {
  return btoa(String.fromCharCode(...new TextEncoder().encode(text)));
}
