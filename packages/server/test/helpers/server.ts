import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { startServer, TestClock, type GatehouseServer, type ServerConfig, type StartOptions } from "../../src/index.js";

/** Repository root, for example and fixture paths. */
export const repoRoot = resolve(fileURLToPath(new URL("../../../../", import.meta.url)));
/** The example app of the README (client app id `todo-gatehouse`, anon + auto-confirmed email/password). */
export const todoApp = join(repoRoot, "examples/todo");
/** A test app with email confirmation and reset by mail (client app id `confirm-app`). */
export const confirmApp = join(repoRoot, "packages/server/test/fixtures/apps/confirm-app");
/** A second app (client app id `second-app`): other keys, `allowed_request_origins`, a provider type no server serves. */
export const secondApp = join(repoRoot, "packages/server/test/fixtures/apps/second-app");
/** An app with user API keys enabled (client app id `keys-app`). */
export const keysApp = join(repoRoot, "packages/server/test/fixtures/apps/keys-app");
/** Our own export with a provider type this build does not serve (`oauth2-custom-sso`, a stand-in). */
export const socialApp = join(repoRoot, "packages/server/test/fixtures/apps/social-app");

/** A running test server on a fresh SQLite file in a temp dir, with a movable clock. */
export interface TestServer extends GatehouseServer {
  clock: TestClock;
  dir: string;
  /** `${url}/api/client/v2.0`. */
  api: string;
}

/** Starts a server on port 0 with rate limits off (unless the config turns them on) and silent logs. */
export async function startTestServer(options: Partial<StartOptions> & { config?: ServerConfig } = {}): Promise<TestServer> {
  const dir = await mkdtemp(join(tmpdir(), "gatehouse-test-"));
  const clock = new TestClock();
  const server = await startServer({
    apps: options.apps ?? [todoApp],
    db: options.db ?? `sqlite:${join(dir, "gatehouse.db")}`,
    port: 0,
    host: "127.0.0.1",
    logLevel: "silent",
    processMetrics: false,
    clock,
    ...options,
    config: { rateLimits: { enabled: false }, ...options.config },
  });
  const close = server.close.bind(server);
  return Object.assign(server, {
    clock,
    dir,
    api: `${server.url}/api/client/v2.0`,
    async close() {
      await close();
      await rm(dir, { recursive: true, force: true });
    },
  });
}

/** JSON request helper returning status, headers and the parsed body (or raw text). */
export async function call(
  url: string,
  init: { method?: string; token?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<{ status: number; headers: Headers; body: any; text: string }> {
  const headers: Record<string, string> = { accept: "application/json", ...init.headers };
  if (init.token) headers.authorization = `Bearer ${init.token}`;
  let body: string | undefined;
  if (init.body !== undefined) {
    headers["content-type"] ??= "application/json";
    body = typeof init.body === "string" ? init.body : JSON.stringify(init.body);
  }
  const response = await fetch(url, { method: init.method ?? (body === undefined ? "GET" : "POST"), headers, body });
  const text = await response.text();
  let parsed: unknown = undefined;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = text;
  }
  return { status: response.status, headers: response.headers, body: parsed, text };
}

/** The payload (`part` 1, default) or header (`part` 0) of a JWT, unverified. */
export function jwtClaims(token: string, part: 0 | 1 = 1): Record<string, any> {
  const segment = token.split(".")[part];
  if (segment === undefined) throw new Error("not a JWT");
  return JSON.parse(Buffer.from(segment, "base64url").toString("utf8")) as Record<string, any>;
}
