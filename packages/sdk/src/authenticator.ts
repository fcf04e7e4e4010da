/**
 * The login request (PROTOCOL §3): credentials payload plus `options.device`, sent to the provider's
 * login route — with `?link=true` and the user's access token when linking — and the response checked
 * field by field, as realm-web and realm-core do.
 */
import type { Credentials } from "./credentials.js";
import { ClientError, ClientErrorCode } from "./errors.js";
import { decodeToken } from "./jwt.js";
import { redirectLogin } from "./oauth2.js";
import type { Storage } from "./storage/storage.js";
import { readJsonBody, type Fetcher } from "./transport/fetcher.js";
import type { Requester } from "./transport/requester.js";
import { appRoutes } from "./transport/routes.js";

/** A checked login response. */
export interface AuthResponse {
  /** The user's id. */
  userId: string;
  /** A fresh access token. */
  accessToken: string;
  /** A refresh token; null is allowed only when linking or re-logging an existing user. */
  refreshToken: string | null;
  /** The device id assigned by the server (all zeros: none). */
  deviceId: string;
}

/**
 * Logs in (or links) with credentials.
 *
 * @param fetcher - Sends plain logins.
 * @param credentials - What to log in with.
 * @param device - The `options.device` object.
 * @param linkingUser - When linking: the user whose access token authorises the link.
 * @param redirect - For the OAuth 2.0 redirect flow: the storage the redirect page writes its result to.
 */
export async function authenticate(
  fetcher: Fetcher,
  credentials: Credentials,
  device: Record<string, unknown>,
  linkingUser?: Requester,
  redirect?: { storage: Storage },
): Promise<AuthResponse> {
  if (typeof credentials.payload["redirectUrl"] === "string") {
    if (!redirect) throw new ClientError(ClientErrorCode.NotSupported, "OAuth 2.0 redirect logins need the app's storage");
    return redirectLogin(fetcher, redirect.storage, credentials, device, linkingUser, undefined);
  }
  const path = appRoutes(fetcher.config.appId).login(credentials.providerName);
  const body = { ...credentials.payload, options: { device } };
  const response = linkingUser
    ? await linkingUser.fetch({ method: "POST", path: `${path}?link=true`, body }, "access")
    : await fetcher.fetch({ method: "POST", path, body });
  return checkAuthResponse(await readJsonBody(response, "native"));
}

function checkAuthResponse(body: unknown): AuthResponse {
  const bad = (what: string) => new ClientError(ClientErrorCode.InvalidServerResponse, `Login response: ${what}`);
  if (typeof body !== "object" || body === null) throw bad("expected an object");
  const {
    user_id: userId,
    access_token: accessToken,
    refresh_token: refreshToken = null,
    device_id: deviceId,
  } = body as Record<string, unknown>;
  if (typeof userId !== "string") throw bad("expected 'user_id' to be a string");
  if (typeof accessToken !== "string") throw bad("expected 'access_token' to be a string");
  if (typeof refreshToken !== "string" && refreshToken !== null) throw bad("expected 'refresh_token' to be a string");
  if (typeof deviceId !== "string") throw bad("expected 'device_id' to be a string");
  // Fail the login now rather than on first use, as realm-core does ("received malformed JWT").
  decodeToken(accessToken);
  return { userId, accessToken, refreshToken, deviceId };
}
