/**
 * JSON schemas of the client API's request bodies. Fastify validates each route's body against its
 * schema before the handler runs; a failure becomes 400 `MissingParameter` or `InvalidParameter`
 * (transport.ts). Bodies arrive EJSON-decoded, so a `{"$numberInt": …}` where a string belongs is an
 * Int32 object, not a string, and is refused as such.
 *
 * What a schema cannot say with App Services' wording (password length, email shape) stays with the
 * service that owns the rule.
 */

/** A JSON schema (the subset these bodies use). */
export type BodySchema = Readonly<Record<string, unknown>>;

/** Longest string any credential field may be; the services apply the real limits with their own wording. */
const MAX_FIELD = 1024;

const text = (maxLength = MAX_FIELD) => ({ type: "string", maxLength }) as const;

/** An object body with these required string fields (and anything else beside them). */
function fields(required: string[], extra: Record<string, unknown> = {}): BodySchema {
  return {
    type: "object",
    required,
    properties: { ...Object.fromEntries(required.map((name) => [name, text()])), ...extra },
  };
}

/** `options` of a login body (`{device: {...}}`): an object; its device fields are read leniently. */
const loginOptions = { type: "object" } as const;

/** Every login body: the credential fields of its provider, plus `options`. */
export const loginBodySchema: BodySchema = { type: "object", properties: { options: loginOptions } };

/** The login body of one provider type: its credential fields (from the provider) and `options`. */
export function providerLoginSchema(credentials: BodySchema): BodySchema {
  const properties = { ...((credentials.properties as Record<string, unknown> | undefined) ?? {}), options: loginOptions };
  return { ...credentials, type: "object", properties };
}

/** The email/password routes of PROTOCOL.md §5, by path under `…/providers/local-userpass`. */
export const userpassBodySchemas = {
  register: fields(["email", "password"]),
  confirm: fields(["token", "tokenId"]),
  "confirm/send": fields(["email"]),
  "confirm/call": fields(["email"]),
  "reset/send": fields(["email"]),
  reset: fields(["token", "tokenId", "password"]),
  "reset/call": fields(["email", "password"], { arguments: { type: "array" } }),
} as const satisfies Record<string, BodySchema>;

/** `functions/call` (POST body, or the decoded `baas_request` of the GET variant). */
export const functionCallSchema: BodySchema = fields(["name"], { arguments: { type: "array" } });

/** `POST /auth/api_keys`. */
export const apiKeyCreateSchema: BodySchema = { type: "object", required: ["name"], properties: { name: text(256) } };
