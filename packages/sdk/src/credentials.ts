/**
 * Credentials for `app.logIn()` and `user.linkCredentials()`, with realm-web's factories and payload
 * shapes (PROTOCOL §3.1). The payload is what goes in the login body, next to `options.device`.
 */
import { ClientError, ClientErrorCode } from "./errors.js";

/** Types of authentication provider. In App Services a provider's name always equals its type. */
export type ProviderType =
  "anon-user" | "api-key" | "local-userpass" | "custom-function" | "custom-token" | "oauth2-google" | "oauth2-facebook" | "oauth2-apple";

type SimpleObject = Record<string, unknown>;

/** Payload of an anonymous login (empty). */
export type AnonymousPayload = Record<string, never>;
/** Payload of an email/password login; the field is `username` on the wire. */
export type EmailPasswordPayload = { username: string; password: string };
/** Payload of an API-key login. */
export type ApiKeyPayload = { key: string };
/** Payload of a custom-function login: any document, EJSON-encoded. */
export type FunctionPayload = SimpleObject;
/** Payload of a custom-JWT login. */
export type JWTPayload = { token: string };
/** Payload that starts an OAuth 2.0 redirect flow (browsers). */
export type OAuth2RedirectPayload = { redirectUrl: string };
/** Google auth-code payload. */
export type GoogleAuthCodePayload = { authCode: string };
/** Google OpenID Connect payload. */
export type GoogleIdTokenPayload = { id_token: string };
/** Any Google payload. */
export type GooglePayload = GoogleAuthCodePayload | GoogleIdTokenPayload;
/** Facebook payload. */
export type FacebookPayload = { accessToken: string };
/** Apple payload. */
export type ApplePayload = { id_token: string };
/** What `Credentials.google()` accepts. */
export type GoogleOptions = OAuth2RedirectPayload | GoogleAuthCodePayload | { idToken: string };

/**
 * Credentials to pass to `app.logIn()`.
 *
 * @example
 * const user = await app.logIn(Credentials.emailPassword("ada@example.com", "s3cret!"));
 */
export class Credentials<PayloadType extends SimpleObject = SimpleObject> {
  /**
   * Anonymous login. With `reuse` (the default, as in every App Services SDK) an anonymous user already
   * logged in on this device is returned instead of creating a new one.
   *
   * @example
   * const guest = await app.logIn(Credentials.anonymous());
   */
  static anonymous(reuse = true): Credentials<AnonymousPayload> {
    return new Credentials("anon-user", "anon-user", reuse, {});
  }

  /**
   * Login with a user or server API key.
   *
   * @example
   * await app.logIn(Credentials.apiKey(process.env.GATEHOUSE_KEY!));
   */
  static apiKey(key: string): Credentials<ApiKeyPayload> {
    return new Credentials("api-key", "api-key", false, { key });
  }

  /**
   * Email/password login.
   *
   * @example
   * await app.logIn(Credentials.emailPassword("ada@example.com", "s3cret!"));
   */
  static emailPassword(email: string, password: string): Credentials<EmailPasswordPayload> {
    return new Credentials("local-userpass", "local-userpass", false, { username: email, password });
  }

  /**
   * Custom-function login: the payload is handed to the app's authentication function.
   *
   * @example
   * await app.logIn(Credentials.function({ username: "ada", pin: 1234 }));
   */
  static function<P extends FunctionPayload = FunctionPayload>(payload: P): Credentials<P> {
    return new Credentials<P>("custom-function", "custom-function", false, payload);
  }

  /**
   * Custom-JWT login with a token signed by your own identity service.
   *
   * @example
   * await app.logIn(Credentials.jwt(tokenFromMyIdP));
   */
  static jwt(token: string): Credentials<JWTPayload> {
    return new Credentials("custom-token", "custom-token", false, { token });
  }

  /**
   * Google login with an auth code, an OpenID id token, or a redirect URL (browser redirect flow).
   *
   * @example
   * await app.logIn(Credentials.google({ idToken }));
   */
  static google<P extends OAuth2RedirectPayload | GooglePayload>(payload: GoogleOptions): Credentials<P> {
    return new Credentials<P>("oauth2-google", "oauth2-google", false, googlePayload(payload) as P);
  }

  /**
   * Facebook login with an access token, or a redirect URL (anything containing `://`).
   *
   * @example
   * await app.logIn(Credentials.facebook(fbAccessToken));
   */
  static facebook<P extends OAuth2RedirectPayload | FacebookPayload>(redirectUrlOrAccessToken: string): Credentials<P> {
    const payload = redirectUrlOrAccessToken.includes("://")
      ? { redirectUrl: redirectUrlOrAccessToken }
      : { accessToken: redirectUrlOrAccessToken };
    return new Credentials<P>("oauth2-facebook", "oauth2-facebook", false, payload as P);
  }

  /**
   * Sign in with Apple using an id token, or a redirect URL (anything containing `://`).
   *
   * @example
   * await app.logIn(Credentials.apple(appleIdToken));
   */
  static apple<P extends OAuth2RedirectPayload | ApplePayload>(redirectUrlOrIdToken: string): Credentials<P> {
    const payload = redirectUrlOrIdToken.includes("://") ? { redirectUrl: redirectUrlOrIdToken } : { id_token: redirectUrlOrIdToken };
    return new Credentials<P>("oauth2-apple", "oauth2-apple", false, payload as P);
  }

  /** Name of the provider: the URL segment of the login route. Equal to the type in App Services. */
  readonly providerName: string;
  /** Type of the provider. */
  readonly providerType: ProviderType;
  /** Whether an already logged-in user of this provider is reused (anonymous only). */
  readonly reuse: boolean;
  /** The fields sent in the login body. */
  readonly payload: PayloadType;

  /**
   * Prefer the static factories; the constructor exists for providers with a custom name.
   *
   * @param providerName - Provider name (URL segment).
   * @param providerType - Provider type.
   * @param reuse - Reuse an existing logged-in user of this provider.
   * @param payload - Login body fields.
   */
  constructor(providerName: string, providerType: ProviderType, reuse: boolean, payload: PayloadType) {
    this.providerName = providerName;
    this.providerType = providerType;
    this.reuse = reuse;
    this.payload = payload;
  }
}

function googlePayload(payload: GoogleOptions): SimpleObject {
  // Same rules as realm-web: exactly one of authCode, idToken (sent as id_token) or redirectUrl.
  if (typeof payload !== "object" || payload === null || Object.keys(payload).length !== 1) {
    throw new ClientError(
      ClientErrorCode.InvalidArgument,
      "Credentials.google() expects exactly one of { authCode }, { idToken } or { redirectUrl }",
    );
  }
  if ("idToken" in payload) return { id_token: payload.idToken };
  if ("authCode" in payload || "redirectUrl" in payload) return payload;
  throw new ClientError(ClientErrorCode.InvalidArgument, "Unexpected Google payload key: " + Object.keys(payload)[0]);
}
