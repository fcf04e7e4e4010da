/**
 * Paths of the client API (PROTOCOL §1.5–1.6). App routes carry the client app id; `/auth/*` routes do
 * not — the server finds the app from the token.
 */

const API = "/api/client/v2.0";

/** Path builders for one app. */
export function appRoutes(appId: string) {
  const app = `${API}/app/${encodeURIComponent(appId)}`;
  const provider = (name: string) => `${app}/auth/providers/${encodeURIComponent(name)}`;
  return {
    location: `${app}/location`,
    login: (providerName: string) => `${provider(providerName)}/login`,
    emailPassword: (providerName: string, action: EmailPasswordAction) => `${provider(providerName)}/${action}`,
    functionsCall: `${app}/functions/call`,
  };
}

/** Sub-paths of the email/password provider. */
export type EmailPasswordAction = "register" | "confirm" | "confirm/send" | "confirm/call" | "reset" | "reset/send" | "reset/call";

/** Paths of the `/auth/*` routes. */
export const authRoutes = {
  session: `${API}/auth/session`,
  profile: `${API}/auth/profile`,
  delete: `${API}/auth/delete`,
  apiKeys: `${API}/auth/api_keys`,
  apiKey: (keyId: string) => `${API}/auth/api_keys/${encodeURIComponent(keyId)}`,
};
