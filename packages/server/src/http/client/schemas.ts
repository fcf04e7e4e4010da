/** Response schemas: they document the wire shapes and let Fastify serialise them fast. */

export const loginResponseSchema = {
  type: "object",
  required: ["access_token", "refresh_token", "user_id", "device_id"],
  properties: {
    access_token: { type: "string" },
    refresh_token: { type: ["string", "null"] },
    user_id: { type: "string" },
    device_id: { type: "string" },
  },
} as const;

export const accessTokenResponseSchema = {
  type: "object",
  required: ["access_token"],
  properties: { access_token: { type: "string" } },
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
