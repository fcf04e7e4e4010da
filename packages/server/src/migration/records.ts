import { PASSWORD_NOT_SET } from "../auth/password.js";
import { isUserId } from "../ids.js";
import { firebaseStoredHash, parseForeignHash, type FirebaseHashParams } from "./foreign-hashes.js";

/** One identity of an imported user, in the store's terms. */
export interface ImportIdentity {
  providerType: string;
  /** `identities[].id`: the custom JWT `sub`, Google account id, account id of local-userpass, ... */
  externalId: string;
  providerData: Record<string, unknown>;
}

/** A user record checked and normalised, ready to write. Times are milliseconds. */
export interface ImportUser {
  id: string;
  type: "normal" | "server";
  disabled: boolean;
  data: Record<string, unknown>;
  createdAt: number;
  lastLoginAt: number | null;
  identities: ImportIdentity[];
  /** Present when the user has a local-userpass identity (whose id is the account id). */
  account?: { id: string; email: string; passwordHash: string; confirmed: boolean };
  /** User API keys (Gatehouse exports with `--with-hashes` carry them; App Services never exported secrets). */
  apiKeys: { id: string; name: string; disabled: boolean; keyHash: string }[];
  /** Device ids (`GET users/{id}/devices` of the Admin API): an anonymous-only user is found again by them. */
  devices: string[];
}

/** Provider types an App Services app could have (PROTOCOL.md §3.1, §11.3). */
const PROVIDER_TYPES = new Set([
  "anon-user",
  "local-userpass",
  "api-key",
  "custom-token",
  "custom-function",
  "oauth2-google",
  "oauth2-apple",
  "oauth2-facebook",
]);

/** App Services ids are 24-hex ObjectIds; other systems' ids (a Firebase uid) are kept when URL-safe. */
const ARGON2 = /^\$argon2(id|i|d)\$v=\d+\$m=\d+,t=\d+,p=\d+\$[A-Za-z0-9+/]+\$[A-Za-z0-9+/]+$/;

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);

/** A string id, or the hex of an Extended JSON ObjectId (`{"$oid": "..."}`). */
function idOf(value: unknown): string | undefined {
  if (typeof value === "string") return value;
  if (isObject(value) && typeof value.$oid === "string" && Object.keys(value).length === 1) return value.$oid;
  return undefined;
}

/** App Services dates are integer seconds; Extended JSON dates and ISO strings are accepted too. */
function timeOf(value: unknown, field: string): number | null | string {
  if (value === undefined || value === null || value === 0) return null;
  if (typeof value === "number" && Number.isFinite(value) && value > 0) return Math.round(value * 1000);
  if (isObject(value) && "$numberLong" in value) return timeOf(Number(value.$numberLong), field);
  if (isObject(value) && "$numberInt" in value) return timeOf(Number(value.$numberInt), field);
  const iso = isObject(value) && "$date" in value ? value.$date : value;
  if (isObject(iso) && typeof iso.$numberLong === "string") return Number(iso.$numberLong);
  if (typeof iso === "number") return iso;
  if (typeof iso === "string" && !Number.isNaN(Date.parse(iso))) return Date.parse(iso);
  return `${field} must be a date (integer seconds)`;
}

/** Settings that apply to a whole import. */
export interface RecordContext {
  /** Firebase project hash parameters, needed by `{"firebase_scrypt": ...}` hashes. */
  firebase?: FirebaseHashParams;
}

/**
 * Checks one App Services Admin API user object (PROTOCOL.md §11.2) plus the extra fields of an
 * import, and normalises it. Fields Gatehouse does not use (`domain_id`, `sessions_valid_since`, ...)
 * are ignored. Returns the reason as a string when the record cannot be imported.
 */
export function toImportUser(raw: unknown, context: RecordContext): ImportUser | string {
  if (!isObject(raw)) return "a user must be a JSON object";
  const id = idOf(raw._id);
  if (id === undefined) return "_id is required (a string or {$oid})";
  if (!isUserId(id)) return `_id '${id.slice(0, 80)}' must be 1 to 64 characters of A-Z a-z 0-9 _ -`;
  const type = raw.type ?? "normal";
  if (type !== "normal" && type !== "server") return "type must be 'normal' or 'server'";
  const disabled = raw.disabled ?? false;
  if (typeof disabled !== "boolean") return "disabled must be a boolean";
  const rawData = raw.data ?? {};
  if (!isObject(rawData)) return "data must be an object";
  let data: Json = rawData;
  const created = timeOf(raw.creation_date, "creation_date");
  if (typeof created === "string") return created;
  const lastLogin = timeOf(raw.last_authentication_date, "last_authentication_date");
  if (typeof lastLogin === "string") return lastLogin;

  if (!Array.isArray(raw.identities) || raw.identities.length === 0) return "identities must be a non-empty array";
  const identities: ImportIdentity[] = [];
  for (const [index, entry] of raw.identities.entries()) {
    if (!isObject(entry)) return `identities[${index}] must be an object`;
    const externalId = idOf(entry.id);
    const providerType = entry.provider_type;
    if (typeof providerType !== "string" || !PROVIDER_TYPES.has(providerType)) {
      return `identities[${index}].provider_type '${String(providerType)}' is not an App Services provider type`;
    }
    if (externalId === undefined || externalId.length === 0 || externalId.length > 256) {
      return `identities[${index}].id must be a string of 1 to 256 characters`;
    }
    const providerData = entry.provider_data ?? {};
    if (!isObject(providerData)) return `identities[${index}].provider_data must be an object`;
    if (identities.some((i) => i.providerType === providerType && i.externalId === externalId)) {
      return `identities[${index}] repeats ${providerType} '${externalId}'`;
    }
    identities.push({ providerType, externalId, providerData });
  }

  const userpass = identities.filter((i) => i.providerType === "local-userpass");
  if (userpass.length > 1) return "a user has at most one local-userpass identity";
  let account: ImportUser["account"];
  if (userpass.length === 1) {
    const identity = userpass[0]!;
    const email = identity.providerData.email ?? data.email;
    if (typeof email !== "string" || email.length === 0 || email.length > 256) {
      return "the local-userpass identity needs an email (provider_data.email or data.email, 1 to 256 characters)";
    }
    const passwordHash = storedPasswordHash(raw.password_hash, context);
    if (passwordHash.error) return passwordHash.error;
    const pending = raw.pending_confirmation ?? false;
    if (typeof pending !== "boolean") return "pending_confirmation must be a boolean";
    account = { id: identity.externalId, email, passwordHash: passwordHash.value!, confirmed: !pending };
    if (identity.providerData.email === undefined) identity.providerData = { ...identity.providerData, email };
    // Gatehouse's own email/password users carry their email in the profile, as App Services' did.
    if (data.email === undefined) data = { ...data, email };
  } else if (raw.password_hash !== undefined && raw.password_hash !== null) {
    return "password_hash needs a local-userpass identity";
  }

  const apiKeys = parseApiKeys(raw.api_keys);
  if (typeof apiKeys === "string") return apiKeys;
  const devices = parseDevices(raw.devices);
  if (typeof devices === "string") return devices;
  const createdAt = created ?? Date.now();
  return { id, type, disabled, data, createdAt, lastLoginAt: lastLogin, identities, ...(account ? { account } : {}), apiKeys, devices };
}

/** The `password_hash` field as the string the account stores, or why it cannot be used. */
function storedPasswordHash(value: unknown, context: RecordContext): { value?: string; error?: string } {
  if (value === undefined || value === null || value === "") return { value: PASSWORD_NOT_SET };
  if (isObject(value) && Object.keys(value).length === 1 && "firebase_scrypt" in value) {
    const fb = value.firebase_scrypt;
    if (!isObject(fb) || typeof fb.hash !== "string" || typeof fb.salt !== "string") {
      return { error: "password_hash.firebase_scrypt needs hash and salt (base64 strings)" };
    }
    if (!context.firebase) {
      return { error: "a firebase_scrypt hash needs the project's parameters (--firebase-signer-key, --firebase-salt-separator, ...)" };
    }
    const stored = firebaseStoredHash(context.firebase, fb.hash, fb.salt);
    const parsed = parseForeignHash(stored);
    return typeof parsed === "object" ? { value: stored } : { error: `password_hash: ${parsed ?? "malformed firebase_scrypt hash"}` };
  }
  if (typeof value !== "string" || value.length > 1024)
    return { error: "password_hash must be a string or {firebase_scrypt: {hash, salt}}" };
  if (ARGON2.test(value)) return { value };
  const parsed = parseForeignHash(value);
  if (typeof parsed === "object") return { value };
  return { error: `password_hash: ${parsed ?? "unsupported format (bcrypt, argon2, scrypt, PBKDF2 PHC, Django pbkdf2_sha256)"}` };
}

function parseApiKeys(value: unknown): ImportUser["apiKeys"] | string {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) return "api_keys must be an array";
  const keys: ImportUser["apiKeys"] = [];
  for (const [index, entry] of value.entries()) {
    const id = isObject(entry) ? idOf(entry._id) : undefined;
    if (!isObject(entry) || !id || !/^[0-9a-f]{24}$/.test(id)) return `api_keys[${index}]._id must be 24-hex`;
    if (typeof entry.name !== "string" || !/^[A-Za-z0-9_-]{1,64}$/.test(entry.name)) return `api_keys[${index}].name is not a key name`;
    if (typeof entry.key_hash !== "string" || !/^[0-9a-f]{64}$/.test(entry.key_hash)) return `api_keys[${index}].key_hash must be 64-hex`;
    keys.push({ id, name: entry.name, disabled: entry.disabled === true, keyHash: entry.key_hash });
  }
  return keys;
}

/** `devices`: ids as strings, `{$oid}`, or device objects with `_id`, `id` or `device_id`. */
function parseDevices(value: unknown): string[] | string {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value) || value.length > 1000) return "devices must be an array of at most 1000 device ids";
  const ids: string[] = [];
  for (const [index, entry] of value.entries()) {
    const id = idOf(entry) ?? (isObject(entry) ? idOf(entry._id ?? entry.device_id ?? entry.id) : undefined);
    if (!id || !/^[0-9a-f]{24}$/.test(id) || id === "000000000000000000000000") return `devices[${index}] must be a 24-hex device id`;
    if (!ids.includes(id)) ids.push(id);
  }
  return ids;
}
