/**
 * The user profile (`GET /auth/profile`, PROTOCOL §4.3) as realm-web exposes it: snake_case metadata keys
 * renamed to camelCase (`first_name` → `firstName`, `picture` → `pictureUrl`), other keys passed through.
 */
import { decode, type NumberDecoding } from "./ejson.js";
import { ClientError, ClientErrorCode } from "./errors.js";
import type { ProviderType } from "./credentials.js";

/** A user's identity at one authentication provider. */
export interface UserIdentity {
  /** The identity's id at the provider (for email/password: an internal id, not the email). */
  id: string;
  /** The provider type. */
  providerType: ProviderType;
}

/** The type of a user. */
export enum UserType {
  /** Created by the end user (any client login). */
  Normal = "normal",
  /** Created by an administrator through a server API key. */
  Server = "server",
}

/** Profile metadata, as realm-web names it. Providers may add other keys. */
export type DefaultUserProfileData = {
  /** Display name. */
  name?: string;
  /** Email address. */
  email?: string;
  /** URL of a picture. */
  pictureUrl?: string;
  /** First name. */
  firstName?: string;
  /** Last name. */
  lastName?: string;
  /** Gender. */
  gender?: string;
  /** Birthday. */
  birthday?: string;
  /** Minimum age. */
  minAge?: string;
  /** Maximum age. */
  maxAge?: string;
} & {
  /** Other provider metadata. */
  [key: string]: unknown;
};

/** What the SDK keeps (and caches) from a profile response. */
export interface ProfileSnapshot {
  /** `normal` or `server`. */
  type: string;
  /** The user's identities, oldest first. */
  identities: UserIdentity[];
  /** The metadata, keys renamed. */
  data: Record<string, unknown>;
}

const RENAMED: Readonly<Record<string, string>> = {
  picture: "pictureUrl",
  first_name: "firstName",
  last_name: "lastName",
  min_age: "minAge",
  max_age: "maxAge",
};

/**
 * Parses a profile response body.
 *
 * @throws ClientError `InvalidServerResponse` when `type`, `identities` or `data` is missing (realm-web
 * requires all three).
 */
export function parseProfile(body: unknown, numbers: NumberDecoding = "native"): ProfileSnapshot {
  const bad = (what: string) => new ClientError(ClientErrorCode.InvalidServerResponse, `Profile response: expected ${what}`);
  if (typeof body !== "object" || body === null) throw bad("an object");
  const { type, identities, data } = body as Record<string, unknown>;
  if (typeof type !== "string") throw bad("'type'");
  if (!Array.isArray(identities)) throw bad("'identities'");
  if (typeof data !== "object" || data === null) throw bad("'data'");
  return {
    type,
    identities: identities.map((identity: unknown) => {
      const { id, provider_type: providerType } = (identity ?? {}) as Record<string, unknown>;
      if (typeof id !== "string" || typeof providerType !== "string") throw bad("identities with 'id' and 'provider_type'");
      return { id, providerType: providerType as ProviderType };
    }),
    data: Object.fromEntries(Object.entries(data).map(([key, value]) => [RENAMED[key] ?? key, decode(value, numbers)])),
  };
}

/** @returns true when the profile says the user is anonymous (exactly one identity, `anon-user`), as core decides. */
export function isAnonymousProfile(profile: ProfileSnapshot): boolean {
  return profile.identities.length === 1 && profile.identities[0]?.providerType === "anon-user";
}
