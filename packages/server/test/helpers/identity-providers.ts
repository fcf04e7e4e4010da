/**
 * Real identity providers on loopback, with real keys: a JWKS server for custom JWT issuers, Google
 * (JWKS, token endpoint, userinfo, authorize page), Apple (JWKS, token endpoint, authorize page) and a
 * Facebook Graph API stand-in that checks the app token it is given. Gatehouse reaches them through
 * the `identityProviders` server config; nothing of Gatehouse's own verification is replaced.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { createHmac, randomBytes } from "node:crypto";
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK, type JWTPayload } from "jose";

/** A signing key pair with its published JWK. */
export interface TestKey {
  kid: string;
  alg: string;
  privateKey: CryptoKey;
  publicKey: CryptoKey;
  jwk: JWK;
}

/** Makes a key pair of the given algorithm, with a `kid`. */
export async function makeKey(alg: "RS256" | "ES256" | "EdDSA", kid: string): Promise<TestKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true, ...(alg === "EdDSA" ? { crv: "Ed25519" } : {}) });
  const jwk = { ...(await exportJWK(publicKey)), kid, alg, use: "sig" };
  return { kid, alg, privateKey, publicKey, jwk };
}

/** Signs claims with a key (its `kid` in the header unless `kid: null`). */
export async function signWith(key: TestKey, claims: JWTPayload, header: { kid?: string | null } = {}): Promise<string> {
  const kid = header.kid === undefined ? key.kid : header.kid;
  return new SignJWT(claims).setProtectedHeader({ alg: key.alg, ...(kid !== null ? { kid } : {}) }).sign(key.privateKey);
}

/** How a key set endpoint behaves. */
export type EndpointMode = "ok" | "down" | "slow" | "garbage";

/** A user an authorize page logs in next (the Google/Apple claims, or the Facebook `/me` fields). */
export type ProviderUser = Record<string, unknown> & { sub?: string; id?: string };

export class LoopbackIdentityProviders {
  /** Base URL, `http://127.0.0.1:port`. */
  url = "";
  readonly customKeys: TestKey[] = [];
  readonly googleKeys: TestKey[] = [];
  readonly appleKeys: TestKey[] = [];
  /** Behaviour of every JWKS endpoint. */
  jwksMode: EndpointMode = "ok";
  /** Behaviour of the token, userinfo and Graph endpoints. */
  apiMode: EndpointMode = "ok";
  /** Requests per path, for asserting what Gatehouse asked. */
  readonly hits = new Map<string, number>();
  /** Form bodies the token endpoints received. */
  readonly tokenRequests: Record<string, string>[] = [];
  /** Who the next authorize page visit logs in, per provider; `null` denies the login. */
  readonly nextUser: Record<"google" | "apple" | "facebook", ProviderUser | null> = { google: null, apple: null, facebook: null };
  /** Client secrets the token endpoints and the Graph API accept. */
  readonly clientSecrets: Record<"google" | "apple" | "facebook", string> = {
    google: "google-client-secret",
    apple: "apple-client-secret",
    facebook: "facebook-app-secret",
  };
  /** Facebook: the app id the Graph API belongs to, and user access tokens it knows. */
  facebookAppId = "fb-app-1";
  readonly facebookTokens = new Map<string, { appId: string; valid: boolean; user: ProviderUser }>();
  private readonly codes = new Map<string, { provider: "google" | "apple" | "facebook"; user: ProviderUser; clientId: string }>();
  private readonly stalled = new Set<ServerResponse>();
  private server?: Server;

  static async start(): Promise<LoopbackIdentityProviders> {
    const idp = new LoopbackIdentityProviders();
    idp.customKeys.push(
      await makeKey("RS256", "custom-rsa-1"),
      await makeKey("ES256", "custom-ec-1"),
      await makeKey("EdDSA", "custom-ed-1"),
    );
    idp.googleKeys.push(await makeKey("RS256", "google-1"));
    idp.appleKeys.push(await makeKey("ES256", "apple-ec-1"), await makeKey("RS256", "apple-rsa-1"));
    idp.server = createServer((req, res) => void idp.handle(req, res));
    await new Promise<void>((resolve) => idp.server!.listen(0, "127.0.0.1", resolve));
    idp.url = `http://127.0.0.1:${(idp.server.address() as AddressInfo).port}`;
    return idp;
  }

  /** The `identityProviders` server config pointing at this server. */
  endpoints() {
    return {
      google: {
        jwksUri: `${this.url}/google/certs`,
        tokenUri: `${this.url}/google/token`,
        authorizeUri: `${this.url}/google/authorize`,
        userinfoUri: `${this.url}/google/userinfo`,
      },
      apple: { jwksUri: `${this.url}/apple/keys`, tokenUri: `${this.url}/apple/token`, authorizeUri: `${this.url}/apple/authorize` },
      facebook: { graphApiBase: `${this.url}/graph/v19.0`, authorizeUri: `${this.url}/facebook/dialog/oauth` },
    };
  }

  /** An authorization code the token endpoint will exchange for this user's tokens. */
  issueCode(provider: "google" | "apple" | "facebook", user: ProviderUser, clientId: string): string {
    const code = randomBytes(12).toString("hex");
    this.codes.set(code, { provider, user, clientId });
    return code;
  }

  /** A Google id_token as Google signs it. */
  googleIdToken(claims: JWTPayload, key = this.googleKeys[0]!): Promise<string> {
    const now = Math.floor(Date.now() / 1000);
    return signWith(key, { iss: "https://accounts.google.com", iat: now, exp: now + 3600, ...claims });
  }

  /** An Apple id_token as Apple signs it. */
  appleIdToken(claims: JWTPayload, key = this.appleKeys[0]!): Promise<string> {
    const now = Math.floor(Date.now() / 1000);
    return signWith(key, { iss: "https://appleid.apple.com", iat: now, exp: now + 600, ...claims });
  }

  async close(): Promise<void> {
    for (const res of this.stalled) res.destroy();
    await new Promise<void>((resolve) => this.server!.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", this.url);
    this.hits.set(url.pathname, (this.hits.get(url.pathname) ?? 0) + 1);
    const body = await readBody(req);
    const jwks = { "/custom/jwks": this.customKeys, "/google/certs": this.googleKeys, "/apple/keys": this.appleKeys }[url.pathname];
    if (jwks) return this.answer(res, this.jwksMode, { keys: jwks.map((k) => k.jwk) });
    switch (url.pathname) {
      case "/google/token":
      case "/apple/token":
        return this.token(res, url.pathname.startsWith("/google") ? "google" : "apple", body);
      case "/google/userinfo": {
        const user = this.accessTokenUser(req.headers.authorization);
        return user ? this.answer(res, this.apiMode, user) : json(res, 401, { error: "invalid_token" });
      }
      case "/graph/v19.0/debug_token":
        return this.debugToken(res, url);
      case "/graph/v19.0/me":
        return this.facebookMe(res, url);
      case "/graph/v19.0/oauth/access_token":
        return this.facebookCode(res, url);
      case "/google/authorize":
      case "/apple/authorize":
      case "/facebook/dialog/oauth":
        return this.authorize(
          res,
          url,
          url.pathname.startsWith("/google") ? "google" : url.pathname.startsWith("/apple") ? "apple" : "facebook",
        );
      default:
        return json(res, 404, { error: "not found" });
    }
  }

  private answer(res: ServerResponse, mode: EndpointMode, body: unknown): void {
    if (mode === "slow") {
      // Never answers: the socket stays open until close() (the point is Gatehouse's own time limit).
      this.stalled.add(res);
      return;
    }
    if (mode === "down") return json(res, 503, { error: "unavailable" });
    if (mode === "garbage") {
      res.writeHead(200, { "content-type": "text/html" }).end("<html>not json</html>");
      return;
    }
    json(res, 200, body);
  }

  private async token(res: ServerResponse, provider: "google" | "apple", form: string): Promise<void> {
    const params = Object.fromEntries(new URLSearchParams(form));
    this.tokenRequests.push(params);
    if (this.apiMode !== "ok") return this.answer(res, this.apiMode, {});
    if (params.client_secret !== this.clientSecrets[provider]) return json(res, 401, { error: "invalid_client" });
    const entry = params.code ? this.codes.get(params.code) : undefined;
    if (params.grant_type !== "authorization_code" || !entry || entry.provider !== provider || entry.clientId !== params.client_id) {
      return json(res, 400, { error: "invalid_grant" });
    }
    this.codes.delete(params.code!);
    const claims = { aud: entry.clientId, ...entry.user };
    const id_token = provider === "google" ? await this.googleIdToken(claims) : await this.appleIdToken(claims);
    const access_token = `at-${randomBytes(8).toString("hex")}`;
    this.accessTokens.set(access_token, entry.user);
    json(res, 200, { access_token, id_token, token_type: "Bearer", expires_in: 3600 });
  }

  private readonly accessTokens = new Map<string, ProviderUser>();

  private accessTokenUser(authorization: string | undefined): ProviderUser | undefined {
    const token = /^Bearer (\S+)$/.exec(authorization ?? "")?.[1];
    return token ? this.accessTokens.get(token) : undefined;
  }

  private debugToken(res: ServerResponse, url: URL): void {
    if (this.apiMode !== "ok") return this.answer(res, this.apiMode, {});
    // The app token is `{app id}|{app secret}`: a wrong one is Facebook's OAuthException 190.
    if (url.searchParams.get("access_token") !== `${this.facebookAppId}|${this.clientSecrets.facebook}`) {
      return json(res, 400, {
        error: { message: "Invalid OAuth access token - Cannot parse access token", type: "OAuthException", code: 190 },
      });
    }
    const known = this.facebookTokens.get(url.searchParams.get("input_token") ?? "");
    if (!known) return json(res, 200, { data: { is_valid: false, error: { code: 190, message: "Invalid OAuth access token." } } });
    json(res, 200, { data: { app_id: known.appId, type: "USER", is_valid: known.valid, user_id: known.user.id } });
  }

  private facebookMe(res: ServerResponse, url: URL): void {
    if (this.apiMode !== "ok") return this.answer(res, this.apiMode, {});
    const known = this.facebookTokens.get(url.searchParams.get("access_token") ?? "");
    if (!known?.valid) return json(res, 400, { error: { message: "Invalid OAuth access token.", type: "OAuthException", code: 190 } });
    // "Require App Secret": a server call must prove it holds the app secret.
    const proof = createHmac("sha256", this.clientSecrets.facebook)
      .update(url.searchParams.get("access_token") ?? "")
      .digest("hex");
    if (url.searchParams.get("appsecret_proof") !== proof) {
      return json(res, 400, {
        error: { message: "Invalid appsecret_proof provided in the API argument", type: "GraphMethodException", code: 100 },
      });
    }
    const fields = (url.searchParams.get("fields") ?? "id").split(",");
    json(res, 200, Object.fromEntries(fields.filter((f) => f in known.user).map((f) => [f, known.user[f]])));
  }

  private facebookCode(res: ServerResponse, url: URL): void {
    const code = url.searchParams.get("code") ?? "";
    const entry = this.codes.get(code);
    if (url.searchParams.get("client_secret") !== this.clientSecrets.facebook || !entry || entry.provider !== "facebook") {
      return json(res, 400, { error: { message: "Invalid verification code format.", type: "OAuthException", code: 100 } });
    }
    this.tokenRequests.push(Object.fromEntries(url.searchParams));
    this.codes.delete(code);
    const token = `fb-${randomBytes(8).toString("hex")}`;
    this.facebookTokens.set(token, { appId: this.facebookAppId, valid: true, user: entry.user });
    json(res, 200, { access_token: token, token_type: "bearer", expires_in: 5183944 });
  }

  /** The provider's login page, answered at once: back to `redirect_uri` with a code, or with an error. */
  private authorize(res: ServerResponse, url: URL, provider: "google" | "apple" | "facebook"): void {
    const redirect = url.searchParams.get("redirect_uri") ?? "";
    const state = url.searchParams.get("state") ?? "";
    const user = this.nextUser[provider];
    const params: Record<string, string> = user
      ? { code: this.issueCode(provider, user, url.searchParams.get("client_id") ?? ""), state }
      : { error: "access_denied", error_description: "The user denied the request", state };
    // Apple sends the user's name beside the code, once, outside the id_token.
    if (user && provider === "apple" && typeof user.firstName === "string") {
      params.user = JSON.stringify({ name: { firstName: user.firstName, lastName: user.lastName }, email: user.email });
    }
    if (url.searchParams.get("response_mode") === "form_post") {
      // Apple posts the answer back from an auto-submitted form when names or emails were asked for.
      const inputs = Object.entries(params)
        .map(([k, v]) => `<input type="hidden" name="${k}" value="${v.replace(/"/g, "&quot;")}">`)
        .join("");
      res.writeHead(200, { "content-type": "text/html" });
      res.end(`<!doctype html><form method="post" action="${redirect}">${inputs}</form><script>document.forms[0].submit()</script>`);
      return;
    }
    res.writeHead(302, { location: `${redirect}?${new URLSearchParams(params)}` }).end();
  }
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
}

async function readBody(req: IncomingMessage): Promise<string> {
  let text = "";
  for await (const chunk of req) text += String(chunk);
  return text;
}
