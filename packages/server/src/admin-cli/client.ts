import { readProfile } from "./profile.js";

/** A failed admin API call: the HTTP status and the App Services error body. */
export class AdminApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string | undefined,
    readonly reason: string | undefined,
    message: string,
  ) {
    super(message);
    this.name = "AdminApiError";
  }
}

/** The server could not be reached at all. */
export class UnreachableError extends Error {
  readonly unreachable = true;
  constructor(url: string, cause: unknown) {
    super(`cannot reach ${url}: ${(cause as { cause?: { code?: string } })?.cause?.code ?? (cause as Error)?.message ?? String(cause)}`);
    this.name = "UnreachableError";
  }
}

/** A usage problem (no URL, no key, no app): exit code 2. */
export class UsageError extends Error {
  readonly status = undefined;
  readonly usage = true;
}

/** Connection options every admin command takes. */
export interface ConnectionOptions {
  url?: string;
  key?: string;
}

/**
 * The admin API over HTTP, for the CLI: logs in with `username:apiKey` on first use, and once more when
 * the access token has expired.
 */
export class AdminClient {
  private token: string | undefined;
  private group: string | undefined;

  private constructor(
    readonly url: string,
    private readonly username: string,
    private readonly apiKey: string,
  ) {}

  /** From `--url`/`--key`, else `GATEHOUSE_ADMIN_URL`/`GATEHOUSE_ADMIN_KEY`, else the login profile. */
  static async connect(options: ConnectionOptions): Promise<AdminClient> {
    const profile = await readProfile();
    const url = options.url ?? process.env.GATEHOUSE_ADMIN_URL ?? profile?.url;
    const key = options.key ?? process.env.GATEHOUSE_ADMIN_KEY ?? profile?.key;
    if (!url) throw new UsageError("no server: pass --url, set GATEHOUSE_ADMIN_URL, or run `gatehouse login`");
    if (!key) throw new UsageError("no key: pass --key username:apiKey, set GATEHOUSE_ADMIN_KEY, or run `gatehouse login`");
    const colon = key.indexOf(":");
    if (colon <= 0 || colon === key.length - 1) throw new UsageError("the key is written username:apiKey");
    return new AdminClient(url.replace(/\/+$/, ""), key.slice(0, colon), key.slice(colon + 1));
  }

  /** The server's group id (`roles[0].group_id` of the admin profile). */
  async groupId(): Promise<string> {
    if (this.group === undefined) {
      const profile = (await this.request("GET", "/auth/profile")) as { roles: { group_id: string }[] };
      this.group = profile.roles[0]!.group_id;
    }
    return this.group;
  }

  /** `/groups/{g}/apps/{app}` + `path`. */
  async appPath(app: string, path: string): Promise<string> {
    return `/groups/${await this.groupId()}/apps/${encodeURIComponent(app)}${path}`;
  }

  /** One admin API call (path under `/api/admin/v3.0`); the parsed JSON answer, or undefined for 204. */
  async request(method: string, path: string, body?: unknown): Promise<unknown> {
    if (this.token === undefined) await this.login();
    let response = await this.send(method, path, body);
    if (response.status === 401) {
      await this.login();
      response = await this.send(method, path, body);
    }
    return this.parse(response);
  }

  private async login(): Promise<void> {
    const response = await this.send(
      "POST",
      "/auth/providers/mongodb-cloud/login",
      { username: this.username, apiKey: this.apiKey },
      false,
    );
    const body = (await this.parse(response)) as { access_token: string };
    this.token = body.access_token;
  }

  private async send(method: string, path: string, body: unknown, auth = true): Promise<Response> {
    const headers: Record<string, string> = { accept: "application/json" };
    if (auth && this.token) headers.authorization = `Bearer ${this.token}`;
    if (body !== undefined) headers["content-type"] = "application/json";
    try {
      return await fetch(`${this.url}/api/admin/v3.0${path}`, {
        method,
        headers,
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      });
    } catch (error) {
      throw new UnreachableError(this.url, error);
    }
  }

  private async parse(response: Response): Promise<unknown> {
    const text = await response.text();
    let body: unknown = undefined;
    if (text) {
      try {
        body = JSON.parse(text);
      } catch {
        body = text;
      }
    }
    if (response.ok) return body;
    const error = (body ?? {}) as { error?: string; error_code?: string; reason?: string };
    throw new AdminApiError(response.status, error.error_code, error.reason, error.error ?? `HTTP ${response.status}`);
  }
}
