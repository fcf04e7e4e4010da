/**
 * Which app, origin and provider a client request names.
 * Part of the one catalogue that `../errors.ts` assembles; see there for what an entry is.
 */
import type { Entry } from "./entry.js";

export const appErrors = {
  // ---- apps, origins, providers
  appNotFound: { code: "AppNotFound", status: 404, message: (appId: string) => `cannot find app using Client App ID '${appId}'` },
  domainNotAllowed: { code: "DomainNotAllowed", status: 403, message: (origin: string) => `origin '${origin}' is not allowed` },
  // 403, not 401: the token is valid, so a refresh would not help (core retries any 401 once).
  appMismatch: { code: "UserAppDomainMismatch", status: 403, message: () => "token belongs to another app" },
  providerNotFound: {
    code: "AuthProviderNotFound",
    status: 404,
    message: (name: string) => `authentication via '${name}' is unsupported`,
  },
  providerNotSupported: {
    code: "AuthProviderNotFound",
    status: 404,
    message: (name: string) => `authentication via '${name}' is not supported by this server yet`,
  },
} satisfies Record<string, Entry>;
