/**
 * Shared pieces of the admin API tests: a server with an operator key, an admin session, and request
 * helpers for `/api/admin/v3.0` and for the client API of the test apps.
 */
import assert from "node:assert/strict";
import { call, startTestServer, type TestServer } from "../helpers/server.js";
import type { StartOptions, ServerConfig } from "../../src/index.js";

export interface AdminSession {
  access_token: string;
  refresh_token: string;
  user_id: string;
  device_id: string;
}

/** A test server plus an operator key and a logged-in admin session. */
export interface AdminTestServer extends TestServer {
  admin: TestServer["admin"];
  /** `${url}/api/admin/v3.0`. */
  adminApi: string;
  groupId: string;
  key: { username: string; apiKey: string; name: string };
  session: AdminSession;
  /** An admin API request with the session's access token (unless `token` says otherwise). */
  adminCall(path: string, init?: { method?: string; body?: unknown; token?: string | null }): ReturnType<typeof call>;
  /** `/groups/{g}/apps/{app}` + path, for the app given by client app id. */
  appPath(clientAppId: string, path?: string): string;
}

export async function startAdminServer(options: Partial<StartOptions> & { config?: ServerConfig } = {}): Promise<AdminTestServer> {
  const server = await startTestServer(options);
  const created = await server.services.admin.keys.create("test-operator");
  const adminApi = `${server.url}/api/admin/v3.0`;
  const login = await call(`${adminApi}/auth/providers/mongodb-cloud/login`, {
    body: { username: created.username, apiKey: created.apiKey },
  });
  assert.equal(login.status, 200, login.text);
  const session = login.body as AdminSession;
  const groupId = server.services.admin.apps.groupId;
  return Object.assign(server, {
    adminApi,
    groupId,
    key: { username: created.username, apiKey: created.apiKey, name: created.name },
    session,
    adminCall(path: string, init: { method?: string; body?: unknown; token?: string | null } = {}) {
      const token = init.token === null ? undefined : (init.token ?? session.access_token);
      return call(`${adminApi}${path}`, {
        ...(init.method ? { method: init.method } : {}),
        ...(init.body !== undefined ? { body: init.body } : {}),
        ...(token ? { token } : {}),
      });
    },
    appPath: (clientAppId: string, path = "") => `/groups/${groupId}/apps/${clientAppId}${path}`,
  });
}

/** Asserts an App Services error body: status, exact content type, error_code and (when given) the catalogue reason. */
export function assertError(
  res: { status: number; headers: Headers; body: any; text: string },
  status: number,
  code: string,
  reason?: string,
): void {
  assert.equal(res.status, status, res.text);
  assert.equal(res.headers.get("content-type"), "application/json");
  assert.equal(res.body?.error_code, code, res.text);
  if (reason !== undefined) assert.equal(res.body?.reason, reason, res.text);
}

/** Registers and logs in an email/password user of an auto-confirming app (the todo example). */
export async function userpassUser(server: TestServer, appId: string, email: string, password = "secret-pw") {
  const provider = `${server.api}/app/${appId}/auth/providers/local-userpass`;
  const reg = await call(`${provider}/register`, { body: { email, password } });
  assert.equal(reg.status, 201, reg.text);
  const login = await call(`${provider}/login`, { body: { username: email, password } });
  assert.equal(login.status, 200, login.text);
  return login.body as AdminSession;
}

export async function anonUser(server: TestServer, appId: string, device = true) {
  const body = device ? { options: { device: { platform: "node", sdkVersion: "test" } } } : {};
  const login = await call(`${server.api}/app/${appId}/auth/providers/anon-user/login`, { body });
  assert.equal(login.status, 200, login.text);
  return login.body as AdminSession;
}
