/**
 * A real Gatehouse server for SDK tests: fresh SQLite file in a temp dir, a movable clock, silent logs,
 * rate limits off. Tests talk to it over HTTP with the real `fetch`.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { startServer, TestClock, type GatehouseServer, type ServerConfig } from "../../../server/src/index.ts";
import { App, MemoryStorage, type AppConfiguration } from "../../src/index.ts";

/** Repository root. */
export const repoRoot = resolve(fileURLToPath(new URL("../../../../", import.meta.url)));
/** The README's example app: anon-user and auto-confirmed email/password. */
export const TODO_APP = { dir: join(repoRoot, "examples/todo"), id: "todo-gatehouse" };
/** The SDK's own fixture app: email confirmation and reset by mail. */
export const MAIL_APP = { dir: join(repoRoot, "packages/sdk/test/fixtures/apps/mail-app"), id: "sdk-mail-app" };

/** A running server plus helpers. */
export interface TestGatehouse {
  server: GatehouseServer;
  /** Server base URL. */
  url: string;
  /** The server's clock; `advance(ms)` travels through token expiry. */
  clock: TestClock;
  /** Temp dir (removed on close). */
  dir: string;
  /** A new `App` on this server (memory storage and the server's clock unless overridden). */
  app(config?: Partial<AppConfiguration>): App;
  /** Counts audit events of a type for the app (and user). */
  countEvents(type: string, userId?: string, appId?: string): Promise<number>;
  close(): Promise<void>;
}

/** Starts a server (the todo app unless `apps` is given). */
export async function startGatehouse(
  options: { apps?: { dir: string; id: string }[]; config?: ServerConfig } = {},
): Promise<TestGatehouse> {
  const dir = await mkdtemp(join(tmpdir(), "gatehouse-sdk-"));
  const clock = new TestClock();
  const apps = options.apps ?? [TODO_APP];
  const server = await startServer({
    apps: apps.map((a) => a.dir),
    db: `sqlite:${join(dir, "gatehouse.db")}`,
    port: 0,
    host: "127.0.0.1",
    logLevel: "silent",
    clock,
    config: { rateLimits: { enabled: false }, ...options.config },
  });
  const defaultAppId = apps[0]!.id;
  return {
    server,
    url: server.url,
    clock,
    dir,
    app: (config = {}) => new App({ id: defaultAppId, baseUrl: server.url, storage: new MemoryStorage(), clock, ...config }),
    countEvents: async (type, userId, appId = defaultAppId) =>
      (await server.listAuditEvents({ clientAppId: appId, type, ...(userId ? { userId } : {}) })).length,
    async close() {
      await server.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** A request seen by {@link recordingFetch}. */
export interface RecordedRequest {
  method: string;
  path: string;
  status: number;
  authorization: string | null;
}

/**
 * The real `fetch`, recording each request and its status. Nothing is faked: every request reaches the
 * server and every response comes from it.
 */
export function recordingFetch() {
  const requests: RecordedRequest[] = [];
  const fetchFn = async (url: string, init: RequestInit): Promise<Response> => {
    const response = await fetch(url, init);
    const headers = new Headers(init.headers);
    requests.push({
      method: init.method ?? "GET",
      path: new URL(url).pathname,
      status: response.status,
      authorization: headers.get("authorization"),
    });
    return response;
  };
  return { fetch: fetchFn, requests };
}

/** A unique email for a test. */
export function uniqueEmail(label = "user"): string {
  return `${label}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}@example.com`;
}

/** The SDK's fixture app with functions, custom user data and API keys. */
export const FUNCTIONS_APP = { dir: join(repoRoot, "packages/sdk/test/fixtures/apps/functions-app"), id: "sdk-functions-app" };
