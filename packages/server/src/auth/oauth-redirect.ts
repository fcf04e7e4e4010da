import type { AppRegistry, AppRuntime } from "../apps/app-runtime.js";
import type { Clock } from "../clock.js";
import { Errors, GatehouseError } from "../errors.js";
import { NO_DEVICE_ID, newObjectId } from "../ids.js";
import type { SessionService } from "../sessions/session-service.js";
import { peekAppId, type SignedClaims } from "../sessions/tokens.js";
import type { RateLimiter } from "../ratelimit/rate-limiter.js";
import type { Store } from "../store/store.js";
import type { LinkTarget, LoginService } from "./login-service.js";

/** A state is good for this long: the user has that long to get through the provider's page. */
export const STATE_LIFETIME_SECONDS = 600;
const STATE_TYP = "oauth_state";

/** The claims of the state Gatehouse sends through the provider and back. */
interface StateClaims extends SignedClaims {
  typ: typeof STATE_TYP;
  /** The store row of this state (the signer requires every non-access token to name its row so). */
  baas_id: string;
  /** Provider name. */
  p: string;
  /** The client's redirect URL (already checked against `redirect_uris`). */
  r: string;
  /** The client's own state, echoed as `_baas_state`. */
  s: string;
  /** Device information from the login URL. */
  d?: Record<string, unknown>;
  /** Link mode: the user id and session id the identity joins. */
  l?: { u: string; s: string };
}

/** What the browser asked for at `GET …/login?redirect=&state=&device=`. */
export interface RedirectStart {
  app: AppRuntime;
  providerName: string;
  redirect: string;
  clientState: string;
  device?: Record<string, unknown>;
  linkTo?: LinkTarget;
  /** `{public URL}/api/client/v2.0/auth/callback`. */
  callbackUrl: string;
  ip: string;
}

/** What the provider sent the browser back to the callback with. */
export interface CallbackParams {
  state?: string;
  code?: string;
  error?: string;
  error_description?: string;
  /** Apple's form post: the user's name, as JSON, on a first authorization. */
  user?: string;
}

/**
 * The OAuth 2.0 browser redirect flow (PROTOCOL.md §3.5): the login route sends the browser to the
 * provider with a signed, short-lived, single-use state; the callback checks the state, exchanges the
 * code, logs in (or links) and sends the browser to the client's redirect URL with the `_baas_*`
 * fragment. A state that cannot be trusted never leads to a redirect: the caller shows an error page.
 */
export class OAuthRedirectFlow {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly apps: AppRegistry,
    private readonly logins: LoginService,
    private readonly sessions: SessionService,
    private readonly limiter: RateLimiter,
  ) {}

  /** Checks the request and returns the provider's authorize URL. */
  async start(s: RedirectStart): Promise<string> {
    const config = s.app.provider(s.providerName);
    if (!config) throw Errors.providerNotFound(s.providerName);
    const provider = this.logins.redirectProvider(config.type);
    if (!provider) throw Errors.oauthRedirectOnly(s.providerName);
    // Exact match, trailing slash included: anything looser makes the server an open redirector.
    if (!config.redirectUris.includes(s.redirect)) throw Errors.oauthRedirectNotAllowed(s.redirect);
    if (s.clientState === "") throw Errors.missingParameter("'state' is required");
    // Each start keeps a row until the callback or expiry: limited per IP like the logins.
    await this.limiter.check("login/oauth-redirect", s.app.id, s.ip);
    const id = newObjectId();
    const iat = Math.floor(this.clock.now() / 1000);
    const claims: StateClaims = {
      typ: STATE_TYP,
      sub: id,
      baas_id: id,
      gh_app: s.app.id,
      iat,
      exp: iat + STATE_LIFETIME_SECONDS,
      p: s.providerName,
      r: s.redirect,
      s: s.clientState,
      ...(s.device ? { d: s.device } : {}),
      ...(s.linkTo ? { l: { u: s.linkTo.userId, s: s.linkTo.session.id } } : {}),
    };
    await this.store.oauthStates.create(id, s.app.id, (iat + STATE_LIFETIME_SECONDS) * 1000);
    return provider.authorizeUrl(config, s.callbackUrl, await s.app.signer.sign(claims));
  }

  /**
   * Completes the flow. Throws (for an error page) only when the state is missing, forged, expired or
   * used; every later failure goes back to the client as `_baas_error`.
   * @returns where to send the browser.
   */
  async complete(params: CallbackParams, callbackUrl: string, ip: string): Promise<string> {
    const { app, claims } = await this.trustedState(params.state);
    const fragment: Record<string, string> = { _baas_client_app_id: app.id, _baas_state: claims.s };
    try {
      if (params.error) throw Errors.oauthProviderDenied(params.error_description || params.error);
      if (!params.code) throw Errors.oauthCodeMissing();
      const config = app.provider(claims.p);
      const provider = config ? this.logins.redirectProvider(config.type) : undefined;
      if (!config || !provider) throw Errors.providerNotFound(claims.p);
      const identity = await provider.completeRedirect(app, config, params.code, callbackUrl, params.user ? { user: params.user } : {});
      const linkTo = claims.l
        ? { app, userId: claims.l.u, session: await this.sessions.liveSession(app, claims.l.s, claims.l.u) }
        : undefined;
      const body = claims.d ? { options: { device: claims.d } } : {};
      const answer = await this.logins.loginWith({ app, providerName: claims.p, body, ip, ...(linkTo ? { linkTo } : {}) }, identity);
      // realm-web splits `_baas_ua` into exactly four parts; a link keeps the client's refresh token.
      fragment._baas_ua = [answer.access_token, answer.refresh_token ?? "", answer.user_id, answer.device_id || NO_DEVICE_ID].join("$");
      if (linkTo) fragment._baas_link = "ok";
    } catch (error) {
      if (!(error instanceof GatehouseError)) throw error;
      fragment._baas_error = error.message;
    }
    const hash = Object.entries(fragment)
      .map(([key, value]) => `${key}=${encodeURIComponent(value)}`)
      .join("&");
    return `${claims.r}#${hash}`;
  }

  private async trustedState(state: string | undefined): Promise<{ app: AppRuntime; claims: StateClaims }> {
    const appId = state ? peekAppId(state) : undefined;
    const app = appId === undefined ? undefined : this.apps.get(appId);
    if (!state || !app) throw Errors.oauthStateInvalid();
    let claims: StateClaims;
    try {
      claims = await app.signer.verify<StateClaims>(state, STATE_TYP, this.clock.now());
    } catch (error) {
      if (error instanceof GatehouseError && error.reason === "tokenExpired") throw Errors.oauthStateExpired();
      throw Errors.oauthStateInvalid();
    }
    if (typeof claims.r !== "string" || typeof claims.p !== "string" || typeof claims.s !== "string") throw Errors.oauthStateInvalid();
    if (!(await this.store.oauthStates.consume(claims.sub, app.id, this.clock.now()))) throw Errors.oauthStateUsed();
    return { app, claims };
  }
}
