/**
 * Every error the SDK throws on purpose. Callers branch on `errorCode` (and `statusCode` for server
 * errors), never on message text: messages are for humans and may change.
 *
 * Server errors keep realm-web's class name, `MongoDBRealmError`, so `instanceof` checks in code written
 * against realm-web keep working after the import changes.
 */
import type { FetchResponse } from "./transport/fetch-types.js";

/**
 * Error codes produced by the SDK itself (no HTTP response involved). The names follow realm-core's
 * client error names where one exists, so logs read the same across SDKs.
 */
export const ClientErrorCode = {
  /** The operation needs a logged-in user, and the user is logged out or removed. */
  UserNotLoggedIn: "ClientUserNotLoggedIn",
  /** The user is not (or no longer) one of this app's users. */
  UserNotFound: "ClientUserNotFound",
  /** The server answered 2xx with a body the SDK cannot use (missing field, wrong type, bad JWT). */
  InvalidServerResponse: "InvalidServerResponse",
  /** A profile was never fetched for this user (logIn with `fetchProfile = false`). */
  ProfileNotFetched: "ClientProfileNotFetched",
  /** Credentials or arguments given to the SDK are malformed. */
  InvalidArgument: "ClientInvalidArgument",
  /** The requested feature is not available in this environment (e.g. OAuth redirects outside a browser). */
  NotSupported: "ClientNotSupported",
  /** An OAuth 2.0 redirect login failed: the provider or the server refused it, or the window was closed. */
  OAuthFailed: "ClientOAuthFailed",
} as const;

/** One of the {@link ClientErrorCode} values. */
export type ClientErrorCode = (typeof ClientErrorCode)[keyof typeof ClientErrorCode];

/**
 * Base class of every error thrown on purpose by the SDK.
 *
 * @example
 * try { await app.logIn(creds) } catch (err) {
 *   if (err instanceof GatehouseError && err.errorCode === "InvalidPassword") showWrongPassword();
 * }
 */
export class GatehouseError extends Error {
  /**
   * A stable code: the server's `error_code` for server errors (`undefined` when the server sent none),
   * one of {@link ClientErrorCode} for errors raised by the SDK.
   */
  readonly errorCode: string | undefined;
  /** HTTP status of the failed response, `0` when no response was involved. */
  readonly statusCode: number;
  /** A URL with details about the error (server logs), when the server sent one. */
  readonly link: string | undefined;

  /**
   * @param message - Human-readable description.
   * @param errorCode - Stable machine-readable code.
   * @param statusCode - HTTP status, 0 when no response was involved.
   * @param link - Optional link to server logs.
   * @param options - Standard error options (`cause`).
   */
  constructor(message: string, errorCode: string | undefined, statusCode: number, link?: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.errorCode = errorCode;
    this.statusCode = statusCode;
    this.link = link;
  }
}

/**
 * An error produced by the SDK without a failed HTTP response: a logged-out user, an unusable
 * response, a bad argument. `statusCode` is always 0.
 *
 * @example
 * if (err instanceof ClientError && err.errorCode === ClientErrorCode.UserNotLoggedIn) goToLogin();
 */
export class ClientError extends GatehouseError {
  declare readonly errorCode: ClientErrorCode;

  /**
   * @param errorCode - One of {@link ClientErrorCode}.
   * @param message - Human-readable description.
   * @param options - Standard error options (`cause`).
   */
  constructor(errorCode: ClientErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, errorCode, 0, undefined, options);
  }
}

/**
 * An error response from the server (any non-2xx status). Same name and fields as realm-web's error, plus
 * the {@link GatehouseError} base.
 *
 * @example
 * catch (err) {
 *   if (err instanceof MongoDBRealmError && err.statusCode === 409) showEmailTaken(); // AccountNameInUse
 * }
 */
export class MongoDBRealmError extends GatehouseError {
  /** HTTP method of the failed request. */
  readonly method: string;
  /** URL of the failed request. */
  readonly url: string;
  /** HTTP status text of the response. */
  readonly statusText: string;
  /** The server's human-readable `error` message, if any. */
  readonly error: string | undefined;
  /**
   * Gatehouse servers only: the stable name of the error in the server's catalogue (`jwtExpired`,
   * `identityInUse`...), finer than `errorCode`. Undefined from other servers.
   */
  readonly reason: string | undefined;

  /**
   * Builds the error from a failed response. Reads the App Services error body
   * (`{error, error_code, link}`) when the response is JSON; otherwise keeps only the status.
   *
   * @param url - URL of the request.
   * @param request - The request (only `method` is read).
   * @param response - The failed response; its body is consumed.
   * @returns The error; the caller throws it.
   */
  static async fromRequestAndResponse(url: string, request: { method?: string }, response: FetchResponse): Promise<MongoDBRealmError> {
    const method = request.method ?? "GET";
    const { status, statusText } = response;
    // realm-web accepts any application/json* content type for error bodies; so do we.
    if (response.headers.get("content-type")?.startsWith("application/json")) {
      try {
        const body: unknown = await response.json();
        if (typeof body === "object" && body !== null) {
          const { error, error_code: code, link, reason } = body as Record<string, unknown>;
          return new MongoDBRealmError(
            method,
            url,
            status,
            statusText,
            typeof error === "string" ? error : undefined,
            typeof code === "string" ? code : undefined,
            typeof link === "string" ? link : undefined,
            typeof reason === "string" ? reason : undefined,
          );
        }
      } catch {
        // A broken error body must not hide the status: fall through to the status-only error.
      }
    }
    return new MongoDBRealmError(method, url, status, statusText);
  }

  /**
   * @param method - HTTP method.
   * @param url - Request URL.
   * @param statusCode - HTTP status.
   * @param statusText - HTTP status text.
   * @param error - Server message.
   * @param errorCode - Server `error_code`.
   * @param link - Server `link`.
   * @param reason - Gatehouse's catalogue name of the error.
   */
  constructor(
    method: string,
    url: string,
    statusCode: number,
    statusText: string,
    error?: string,
    errorCode?: string,
    link?: string,
    reason?: string,
  ) {
    const summary = statusText ? `status ${statusCode} ${statusText}` : `status ${statusCode}`;
    const detail = error === undefined ? "" : ` ${error}`;
    super(`Request failed (${method} ${url}):${detail} (${summary})`, errorCode, statusCode, link);
    this.method = method;
    this.url = url;
    this.statusText = statusText;
    this.error = error;
    this.reason = reason;
  }
}

/** @returns true when `err` is a server answer saying the session (token) is not valid. */
export function isInvalidSession(err: unknown): err is MongoDBRealmError {
  return isUnauthorized(err) && (err.errorCode === "InvalidSession" || err.errorCode === undefined);
}

/** Whether an error is a 401 of any kind. */
export function isUnauthorized(err: unknown): err is MongoDBRealmError {
  return err instanceof MongoDBRealmError && err.statusCode === 401;
}
