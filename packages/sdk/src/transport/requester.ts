/**
 * What user-scoped helpers (functions, API keys) need from a user: authenticated requests with the
 * session rules applied, and the number decoding mode for responses.
 */
import type { NumberDecoding } from "../ejson.js";
import type { TokenType } from "../session/user-session.js";
import type { HttpRequest } from "./fetcher.js";
import type { FetchResponse } from "./fetch-types.js";

/** Sends requests as one user. */
export interface Requester {
  /** Sends a request with the user's access or refresh token (refresh and retry rules applied). */
  fetch(request: Omit<HttpRequest, "token">, tokenType: TokenType): Promise<FetchResponse>;
  /** Number decoding of response bodies. */
  readonly numbers: NumberDecoding;
  /** The client app id (for app routes). */
  readonly appId: string;
}
