/** Response schemas: they document the wire shapes and let Fastify serialise them fast. */

/**
 * A token this server signed (apps/token-signer.ts): three base64url segments and two dots, so nothing
 * in it needs escaping in JSON. `unsafe` tells fast-json-stringify to write it as it is: checking the
 * two 800-900 character tokens of a login answer for characters to escape took ~2 µs.
 */
const signedToken = { type: "string", format: "unsafe" } as const;

export const loginResponseSchema = {
  type: "object",
  required: ["access_token", "refresh_token", "user_id", "device_id"],
  properties: {
    access_token: signedToken,
    refresh_token: { type: ["string", "null"], format: "unsafe" },
    user_id: { type: "string" },
    device_id: { type: "string" },
  },
} as const;

export const accessTokenResponseSchema = {
  type: "object",
  required: ["access_token"],
  properties: { access_token: signedToken },
} as const;

export const profileResponseSchema = {
  type: "object",
  required: ["user_id", "domain_id", "identities", "data", "type"],
  properties: {
    user_id: { type: "string" },
    domain_id: { type: "string" },
    identities: {
      type: "array",
      items: {
        type: "object",
        required: ["id", "provider_type"],
        properties: {
          id: { type: "string" },
          provider_type: { type: "string" },
          provider_id: { type: "string" },
          provider_data: { type: "object", additionalProperties: true },
        },
      },
    },
    data: { type: "object", additionalProperties: true },
    type: { type: "string" },
  },
} as const;
