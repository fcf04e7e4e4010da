/**
 * The access and refresh tokens a client request carries.
 * Part of the one catalogue that `../errors.ts` assembles; see there for what an entry is.
 */
import type { Entry } from "./entry.js";

export const sessionErrors = {
  // ---- authentication of requests (PROTOCOL.md §8.3: InvalidSession makes both SDKs refresh)
  missingAuth: { code: "MissingAuthReq", status: 401, message: () => "must authenticate first" },
  notBearer: { code: "MissingAuthReq", status: 401, message: () => "expected Authorization header with JWT (Bearer schema)." },
  /** An invalid session no more specific entry describes. */
  invalidSession: { code: "InvalidSession", status: 401, message: (message: string = "invalid session") => message },
  tokenMalformed: { code: "InvalidSession", status: 401, message: (typ: string) => `invalid session: malformed ${typ} token` },
  tokenKeyUnknown: { code: "InvalidSession", status: 401, message: () => "invalid session: unknown signing key" },
  tokenInvalid: { code: "InvalidSession", status: 401, message: (typ: string) => `invalid session: invalid ${typ} token` },
  tokenExpired: { code: "InvalidSession", status: 401, message: (typ: string) => `invalid session: ${typ} token expired` },
  tokenWrongType: {
    code: "InvalidSession",
    status: 401,
    message: (typ: string) =>
      typ.endsWith("refresh") ? "invalid refresh token: incorrect token type" : "invalid session: incorrect token type",
  },
  tokenAppUnknown: { code: "InvalidSession", status: 401, message: () => "invalid session: invalid token" },
  /** realm-web swallows a logout error only with exactly this wording (PROTOCOL.md §4.2). */
  sessionNotFound: { code: "InvalidSession", status: 401, message: () => "invalid session: failed to find refresh token" },
  sessionExpired: { code: "InvalidSession", status: 401, message: () => "invalid session: refresh token expired" },
  sessionUserDisabled: { code: "InvalidSession", status: 401, message: () => "invalid session: user disabled" },
  sessionRevoked: { code: "InvalidSession", status: 401, message: () => "invalid session: session revoked" },
} satisfies Record<string, Entry>;
