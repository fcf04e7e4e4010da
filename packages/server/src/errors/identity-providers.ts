/**
 * Tokens and answers of outside identity providers: custom JWT, Google, Apple, Facebook, and the
 * OAuth 2.0 redirect flow.
 * Part of the one catalogue that `../errors.ts` assembles; see there for what an entry is.
 */
import type { Entry } from "./entry.js";

export const identityProviderErrors = {
  // ---- external tokens: custom JWT, Google and Apple id_tokens (`label` names the token, PROTOCOL.md §7.3)
  jwtMalformed: { code: "AuthError", status: 401, message: (label: string, detail: string) => `${label}: malformed token (${detail})` },
  jwtAlgorithmRefused: { code: "AuthError", status: 401, message: (label: string, detail: string) => `${label}: ${detail}` },
  jwtSignatureInvalid: { code: "AuthError", status: 401, message: (label: string) => `${label}: signature verification failed` },
  jwtExpired: { code: "AuthError", status: 401, message: (label: string) => `${label}: token expired` },
  jwtNotYetValid: { code: "AuthError", status: 401, message: (label: string, detail: string) => `${label}: token ${detail}` },
  jwtAudienceMismatch: { code: "AuthError", status: 401, message: (label: string) => `${label}: audience mismatch` },
  jwtIssuerMismatch: { code: "AuthError", status: 401, message: (label: string) => `${label}: unexpected issuer` },
  jwtSubjectMissing: { code: "AuthError", status: 401, message: (label: string) => `${label}: no 'sub' claim` },
  jwtKeyUnknown: { code: "AuthError", status: 401, message: (label: string) => `${label}: unknown signing key` },
  /** The issuer's key set could not be fetched (down, slow, not a JWK Set): try again later. */
  jwksUnavailable: {
    code: "AuthError",
    status: 503,
    message: (label: string, detail: string) => `${label}: the signing keys could not be fetched (${detail}); try again later`,
  },
  metadataMissing: {
    code: "AuthError",
    status: 401,
    message: (label: string, field: string) => `${label}: required metadata field '${field}' is missing`,
  },
  /** The user's `hd` (Google) or email domain is not in the provider's `domain_restrictions`. */
  userDomainNotAllowed: { code: "AuthError", status: 401, message: (provider: string) => `${provider}: the user's domain is not allowed` },
  /** Facebook's `debug_token` said the token is not valid, or is another app's. */
  facebookTokenInvalid: { code: "AuthError", status: 401, message: (detail: string) => `invalid oauth2-facebook access token: ${detail}` },
  googleOpenIdOff: {
    code: "BadRequest",
    status: 400,
    message: () => "oauth2-google: id_token logins need openId: true in the provider config; send an authCode",
  },
  /** A Google or Apple token endpoint refused the authorization code. */
  authCodeRejected: { code: "AuthError", status: 401, message: (provider: string) => `${provider}: the authorization code was refused` },
  /** A token endpoint, userinfo or the Graph API did not answer in time or answered a server error. */
  identityProviderUnavailable: {
    code: "AuthError",
    status: 503,
    message: (provider: string, detail: string) => `${provider}: the identity provider could not be reached (${detail}); try again later`,
  },
  /** The provider's configuration cannot work (a secret without a value, a bad key): the operator's to fix. */
  providerMisconfigured: {
    code: "InternalServerError",
    status: 500,
    message: (provider: string, detail: string) => `${provider} provider is misconfigured: ${detail}`,
  },

  // ---- the OAuth 2.0 redirect flow (PROTOCOL.md §3.5)
  oauthRedirectOnly: { code: "BadRequest", status: 400, message: (provider: string) => `${provider} has no redirect login` },
  oauthRedirectNotAllowed: {
    code: "BadRequest",
    status: 400,
    message: (redirect: string) => `redirect URL '${redirect}' is not one of the provider's redirect_uris`,
  },
  oauthStateInvalid: { code: "BadRequest", status: 400, message: () => "the OAuth state is missing or was not issued by this server" },
  oauthStateExpired: { code: "BadRequest", status: 400, message: () => "the OAuth state has expired: start the login again" },
  oauthStateUsed: { code: "BadRequest", status: 400, message: () => "the OAuth state was already used: start the login again" },
  oauthProviderDenied: {
    code: "AuthError",
    status: 401,
    message: (detail: string) => `the identity provider refused the login: ${detail}`,
  },
  oauthCodeMissing: { code: "BadRequest", status: 400, message: () => "the identity provider sent no authorization code" },
} satisfies Record<string, Entry>;
