/**
 * What the Google, Apple and Facebook providers share: the exchange of an authorization code at a
 * token endpoint, the mapping of outbound failures to catalogue errors, and the profile metadata.
 */
import type { AppRuntime } from "../../apps/app-runtime.js";
import type { ProviderConfig } from "../../config/types.js";
import { Errors, type GatehouseError } from "../../errors.js";
import { fetchJson, OutboundError } from "../outbound.js";
import { readMetadata } from "./metadata.js";
import { secretValue } from "./secrets.js";

/** The provider's `config.clientId`, which every social provider needs. */
export function clientIdOf(provider: ProviderConfig): string {
  const id = provider.config.clientId;
  if (typeof id !== "string" || id === "") throw Errors.providerMisconfigured(provider.type, "config.clientId is missing");
  return id;
}

/** An outbound failure as the client should see it: the provider said no (401), or could not be asked (503). */
export function outboundFailure(providerType: string, error: unknown, refused: () => GatehouseError): unknown {
  if (!(error instanceof OutboundError)) return error;
  if (error.kind === "status" && error.status !== undefined && error.status >= 400 && error.status < 500) return refused();
  return Errors.identityProviderUnavailable(providerType, error.message);
}

/**
 * `authorization_code` grant at a token endpoint with `secret_config.clientSecret`. `redirectUri` is the
 * one the code was issued for (the callback), or undefined for a code an app obtained itself.
 */
export async function exchangeCode(
  app: AppRuntime,
  provider: ProviderConfig,
  tokenUri: string,
  code: string,
  redirectUri: string | undefined,
  timeoutMs: number,
): Promise<Record<string, unknown>> {
  const form: Record<string, string> = {
    grant_type: "authorization_code",
    code,
    client_id: clientIdOf(provider),
    client_secret: secretValue(app, provider, "clientSecret"),
    ...(redirectUri !== undefined ? { redirect_uri: redirectUri } : {}),
  };
  let answer: unknown;
  try {
    answer = await fetchJson(tokenUri, timeoutMs, { form });
  } catch (error) {
    throw outboundFailure(provider.type, error, () => Errors.authCodeRejected(provider.type));
  }
  if (typeof answer !== "object" || answer === null)
    throw Errors.identityProviderUnavailable(provider.type, "the token endpoint answered no JSON object");
  return answer as Record<string, unknown>;
}

/**
 * Profile metadata: the configured `metadata_fields` picked from the normalised profile, or, with none
 * configured, every standard field the provider gave.
 */
export function socialMetadata(provider: ProviderConfig, normalised: Record<string, unknown>): Record<string, unknown> {
  if (provider.metadataFields.length > 0) return readMetadata(provider.metadataFields, normalised, provider.type);
  return Object.fromEntries(Object.entries(normalised).filter(([, v]) => v !== undefined && v !== null && v !== ""));
}

/** `domain_restrictions`: the domain must be listed (case-insensitively) when the list is not empty. */
export function checkDomain(provider: ProviderConfig, domain: unknown): void {
  if (provider.domainRestrictions.length === 0) return;
  const given = typeof domain === "string" ? domain.toLowerCase() : "";
  if (!provider.domainRestrictions.some((d) => d.toLowerCase() === given)) throw Errors.userDomainNotAllowed(provider.type);
}

/** Adds the query parameters to a URL that may already have some. */
export function withQuery(base: string, params: Record<string, string>): string {
  const url = new URL(base);
  for (const [key, value] of Object.entries(params)) url.searchParams.set(key, value);
  return url.toString();
}
