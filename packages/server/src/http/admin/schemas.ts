/** Request and response schemas of the admin API (PROTOCOL.md §11). */

import { USER_ID_PATTERN } from "../../ids.js";

export const objectId = { type: "string", pattern: "^[0-9a-f]{24}$" } as const;
/** A user's id: an ObjectId, or the id an imported user kept. */
export const userId = { type: "string", pattern: USER_ID_PATTERN } as const;

const looseObject = { type: "object", additionalProperties: true } as const;

export const adminLoginBodySchema = {
  type: "object",
  required: ["username", "apiKey"],
  properties: { username: { type: "string", minLength: 1, maxLength: 64 }, apiKey: { type: "string", minLength: 1, maxLength: 128 } },
} as const;

export const adminLoginResponseSchema = {
  type: "object",
  required: ["access_token", "refresh_token", "user_id", "device_id"],
  properties: {
    access_token: { type: "string" },
    refresh_token: { type: "string" },
    user_id: { type: "string" },
    device_id: { type: "string" },
  },
} as const;

export const adminProfileSchema = {
  type: "object",
  required: ["user_id", "domain_id", "identities", "data", "type", "roles"],
  properties: {
    user_id: { type: "string" },
    domain_id: { type: "string" },
    identities: {
      type: "array",
      items: {
        type: "object",
        properties: { id: { type: "string" }, provider_type: { type: "string" }, provider_id: { type: "string" } },
      },
    },
    data: looseObject,
    type: { type: "string" },
    roles: {
      type: "array",
      items: { type: "object", properties: { role_name: { type: "string" }, group_id: { type: "string" } } },
    },
  },
} as const;

export const appViewSchema = {
  type: "object",
  required: ["_id", "client_app_id", "group_id", "name", "location", "deployment_model"],
  properties: {
    _id: { type: "string" },
    client_app_id: { type: "string" },
    group_id: { type: "string" },
    domain_id: { type: "string" },
    name: { type: "string" },
    location: { type: "string" },
    deployment_model: { type: "string" },
    environment: { type: "string" },
    product: { type: "string" },
    user_count: { type: "integer" },
  },
} as const;

/** The User object (§11.2). */
export const adminUserSchema = {
  type: "object",
  required: ["_id", "domain_id", "identities", "data", "type", "creation_date", "last_authentication_date", "disabled"],
  properties: {
    _id: { type: "string" },
    domain_id: { type: "string" },
    identities: {
      type: "array",
      items: {
        type: "object",
        properties: {
          id: { type: "string" },
          provider_type: { type: "string" },
          provider_id: { type: "string" },
          provider_data: looseObject,
        },
      },
    },
    data: looseObject,
    type: { type: "string" },
    creation_date: { type: "integer" },
    last_authentication_date: { type: "integer" },
    sessions_valid_since: { type: "integer" },
    disabled: { type: "boolean" },
  },
} as const;

/** `GET users/{id}`: the User object plus the Gatehouse extensions of the one-user view. */
export const adminUserDetailSchema = {
  ...adminUserSchema,
  required: [...adminUserSchema.required, "active_sessions", "custom_data", "api_keys"],
  properties: {
    ...adminUserSchema.properties,
    active_sessions: { type: "integer" },
    custom_data: { anyOf: [looseObject, { type: "null" }] },
    api_keys: {
      type: "array",
      items: {
        type: "object",
        required: ["_id", "name", "disabled"],
        additionalProperties: false,
        properties: { _id: { type: "string" }, name: { type: "string" }, disabled: { type: "boolean" } },
      },
    },
  },
} as const;

const boolString = { type: "string", enum: ["true", "false"] } as const;
const timeString = { type: "string", minLength: 1, maxLength: 40 } as const;

/** `GET users`: App Services' paging (`after`, `sort`, `desc`) and Gatehouse's search filters. */
export const userListQuerySchema = {
  type: "object",
  additionalProperties: false,
  properties: {
    after: userId,
    sort: { type: "string", enum: ["_id"] },
    desc: boolString,
    limit: { type: "string", pattern: "^(?:[1-9]|[1-4][0-9]|50)$" },
    email: { type: "string", minLength: 1, maxLength: 256 },
    id: { type: "string", pattern: "^[0-9a-f]{1,24}$" },
    provider: { type: "string", minLength: 1, maxLength: 64 },
    disabled: boolString,
    created_after: timeString,
    created_before: timeString,
    last_login_after: timeString,
    last_login_before: timeString,
  },
} as const;

export const emailPasswordBodySchema = {
  type: "object",
  required: ["email", "password"],
  properties: { email: { type: "string", maxLength: 256 }, password: { type: "string", maxLength: 1024 } },
} as const;

export const emailBodySchema = {
  type: "object",
  required: ["email"],
  properties: { email: { type: "string", minLength: 1, maxLength: 128 } },
} as const;

export const tokenBodySchema = {
  type: "object",
  required: ["token"],
  properties: { token: { type: "string", minLength: 1, maxLength: 16384 } },
} as const;

export const deviceSchema = {
  type: "object",
  properties: { _id: { type: "string" }, info: looseObject, creation_date: { type: "integer" }, last_seen_date: { type: "integer" } },
} as const;

export const userIdParams = {
  type: "object",
  required: ["userId"],
  properties: { userId },
} as const;

export const pendingListQuerySchema = {
  type: "object",
  additionalProperties: false,
  properties: { after: objectId, limit: { type: "string", pattern: "^(?:[1-9]|[1-4][0-9]|50)$" } },
} as const;

export const pendingUserSchema = {
  type: "object",
  properties: {
    _id: { type: "string" },
    domain_id: { type: "string" },
    user_id: { type: "string" },
    login_ids: { type: "array", items: { type: "object", properties: { id_type: { type: "string" }, id: { type: "string" } } } },
    creation_date: { type: "integer" },
  },
} as const;

export const emailParams = {
  type: "object",
  required: ["email"],
  properties: { email: { type: "string", minLength: 1, maxLength: 256 } },
} as const;

export const apiKeySchema = {
  type: "object",
  required: ["_id", "name", "disabled"],
  properties: { _id: { type: "string" }, key: { type: "string" }, name: { type: "string" }, disabled: { type: "boolean" } },
} as const;

export const apiKeyIdParams = {
  type: "object",
  required: ["keyId"],
  properties: { keyId: objectId },
} as const;

export const nameBodySchema = {
  type: "object",
  required: ["name"],
  properties: { name: { type: "string", minLength: 1, maxLength: 256 } },
} as const;

export const authProviderSchema = {
  type: "object",
  properties: {
    _id: { type: "string" },
    name: { type: "string" },
    type: { type: "string" },
    disabled: { type: "boolean" },
    supported: { type: "boolean" },
  },
} as const;

export const providerIdParams = {
  type: "object",
  required: ["providerId"],
  properties: { providerId: { type: "string", minLength: 1, maxLength: 64 } },
} as const;

export const refreshExpirationSchema = {
  type: "object",
  required: ["expiration_time_seconds"],
  properties: { expiration_time_seconds: { type: "integer" } },
} as const;

export const logQuerySchema = {
  type: "object",
  additionalProperties: false,
  properties: {
    user_id: objectId,
    type: { type: "string", minLength: 1, maxLength: 64 },
    result: { type: "string", minLength: 1, maxLength: 64 },
    start_date: { type: "string", minLength: 1, maxLength: 40 },
    end_date: { type: "string", minLength: 1, maxLength: 40 },
    after: { type: "string", minLength: 1, maxLength: 20 },
    limit: { type: "string", pattern: "^(?:[1-9][0-9]?|100)$" },
  },
} as const;

/** `GET logs/stats`: the log's filters (no paging), a bucket size and the operator's UTC offset in minutes. */
export const logStatsQuerySchema = {
  type: "object",
  additionalProperties: false,
  required: ["bucket"],
  properties: {
    bucket: { type: "string", enum: ["hour", "day"] },
    user_id: objectId,
    type: { type: "string", minLength: 1, maxLength: 64 },
    result: { type: "string", minLength: 1, maxLength: 64 },
    start_date: { type: "string", minLength: 1, maxLength: 40 },
    end_date: { type: "string", minLength: 1, maxLength: 40 },
    utc_offset: { type: "string", pattern: "^-?(?:[0-9]|[1-9][0-9]|[1-7][0-9]{2}|8[0-3][0-9]|840)$" },
  },
} as const;

const statsCounts = {
  events: { type: "integer" },
  signups: { type: "integer" },
  logins: { type: "integer" },
  failed_logins: { type: "integer" },
} as const;

export const logStatsSchema = {
  type: "object",
  properties: {
    bucket: { type: "string" },
    start_date: { type: "integer" },
    end_date: { type: "integer" },
    utc_offset: { type: "integer" },
    buckets: { type: "array", items: { type: "object", properties: { start: { type: "integer" }, ...statsCounts } } },
    totals: { type: "object", properties: statsCounts },
    logins_by_provider: {
      type: "array",
      items: { type: "object", properties: { provider: { type: "string" }, logins: { type: "integer" } } },
    },
  },
} as const;

export const auditEventSchema = {
  type: "object",
  properties: {
    _id: { type: "string" },
    time: { type: "integer" },
    type: { type: "string" },
    user_id: { type: ["string", "null"] },
    provider: { type: ["string", "null"] },
    ip: { type: ["string", "null"] },
    result: { type: "string" },
    detail: { type: ["string", "null"] },
    actor: { type: ["string", "null"] },
  },
} as const;

export const importQuerySchema = {
  type: "object",
  additionalProperties: false,
  properties: {
    strict: { type: "string", enum: ["true", "false"] },
    batch_size: { type: "string", pattern: "^[1-9][0-9]{0,3}$|^10000$" },
    firebase_signer_key: { type: "string", maxLength: 1024 },
    firebase_salt_separator: { type: "string", maxLength: 1024 },
    firebase_rounds: { type: "string", maxLength: 4 },
    firebase_mem_cost: { type: "string", maxLength: 4 },
  },
} as const;

const importIssueSchema = {
  type: "object",
  required: ["kind", "where", "reason"],
  properties: { kind: { type: "string" }, where: { type: "string" }, reason: { type: "string" } },
} as const;

export const importReportSchema = {
  type: "object",
  required: ["read", "imported", "skipped", "conflicts", "errors", "issues", "issues_truncated"],
  properties: {
    read: { type: "integer" },
    imported: { type: "integer" },
    skipped: { type: "integer" },
    conflicts: { type: "integer" },
    errors: { type: "integer" },
    issues: { type: "array", items: importIssueSchema },
    issues_truncated: { type: "boolean" },
    stopped: importIssueSchema,
  },
} as const;
