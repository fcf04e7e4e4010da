/**
 * examples/delete-user served with what its Admin API variant (`deleteMyAccountViaAdminApi`) needs: an
 * operator key made before the server starts, kept in the app's secrets with the server's own admin API
 * URL — as an operator would deploy it.
 */
import { mkdtemp } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { OperatorKeys } from "../../src/admin/index.js";
import { AuditLog } from "../../src/audit/audit-log.js";
import { systemClock } from "../../src/clock.js";
import { Store } from "../../src/store/store.js";
import type { ServerConfig } from "../../src/index.js";
import { repoRoot, startTestServer, type TestServer } from "./server.js";

export const deleteUserExample = join(repoRoot, "examples/delete-user");
export const DELETE_USER_APP = "delete-user-example";

/** A port nobody listens on right now (the server is told its URL before it starts). */
async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const port = (probe.address() as { port: number }).port;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

/** Starts the example with an operator key in its secrets; `config` adds to the server config. */
export async function startDeleteUserExample(config: ServerConfig = {}): Promise<TestServer & { operator: string }> {
  const dir = await mkdtemp(join(tmpdir(), "gatehouse-delete-example-"));
  const db = `sqlite:${join(dir, "gatehouse.db")}`;
  const store = await Store.open(db);
  const key = await new OperatorKeys(store, systemClock, new AuditLog(store, systemClock)).create("delete-function");
  await store.close();
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const server = await startTestServer({
    apps: [deleteUserExample],
    db,
    port,
    config: {
      ...config,
      apps: {
        [DELETE_USER_APP]: {
          secrets: { adminApiBaseUrl: `${url}/api/admin/v3.0`, adminApiPublicKey: key.username, adminApiPrivateKey: key.apiKey },
        },
      },
    },
  });
  return Object.assign(server, { operator: key.name });
}
