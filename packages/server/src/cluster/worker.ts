import { startServer, type GatehouseServer, type StartOptions } from "../server.js";
import { LISTENING, SHUTDOWN, type ListeningMessage } from "./messages.js";

/**
 * A `--workers` process: serves like a single server, minus what the supervisor does once for all
 * (housekeeping, server-wide metrics). It stops gracefully when the supervisor asks, on SIGTERM/SIGINT
 * (a systemd stop signals every process of the unit), and when the supervisor is gone.
 */
export async function runClusterWorker(options: StartOptions): Promise<GatehouseServer> {
  const server = await startServer({ ...options, clusterWorker: true });
  let closing = false;
  const stop = () => {
    if (closing) return;
    closing = true;
    server.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  };
  process.on("message", (message: { type?: string }) => message?.type === SHUTDOWN && stop());
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
  process.on("disconnect", stop);
  process.send?.({ type: LISTENING, url: server.url, report: server.report } satisfies ListeningMessage);
  return server;
}
