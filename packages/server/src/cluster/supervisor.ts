import cluster, { type Worker } from "node:cluster";
import { collectDefaultMetrics } from "prom-client";
import { systemClock } from "../clock.js";
import { ClusterMetrics } from "../metrics/cluster-metrics.js";
import { listenForMetrics, type MetricsListener } from "../metrics/exposition.js";
import { ServerMetrics } from "../metrics/registry.js";
import type { ResolvedServerConfig } from "../server-config.js";
import { Housekeeping, HOUSEKEEPING_INTERVAL_MS, housekeepingSettings } from "../store/housekeeping.js";
import { Store } from "../store/store.js";
import { LISTENING, SHUTDOWN, type ListeningMessage } from "./messages.js";

/** Options of {@link superviseWorkers}. */
export interface SupervisorOptions {
  workers: number;
  db: string;
  config: ResolvedServerConfig;
  /** Operator-facing lines (start, crashes, replacements, shutdown). */
  log: (line: string) => void;
  /** How long workers get to finish their requests on shutdown before they are killed. Default 30000. */
  shutdownGraceMs?: number;
}

/** A running supervisor. */
export interface Supervisor {
  /** The serving URL, once every worker listens. */
  url: string;
  /** Stops every worker gracefully, then the supervisor's own store. */
  close(): Promise<void>;
}

/**
 * `gatehouse serve --workers N`: N processes serving one port (node:cluster), supervised. Before the
 * first fork the supervisor opens the store once (migrations run here, never raced by workers), and it
 * keeps what is once per server: housekeeping, the server-wide gauges, the aggregate of every worker's
 * metrics. A worker that exits unexpectedly is logged and replaced (after a growing pause when it keeps
 * dying young, so a crash loop does not spin); a worker that fails during the first start stops all.
 */
export async function superviseWorkers(options: SupervisorOptions): Promise<Supervisor> {
  const { config, log } = options;
  const store = await Store.open(options.db, config.database);
  const housekeeping = new Housekeeping(store, systemClock, housekeepingSettings(config));
  housekeeping.start(HOUSEKEEPING_INTERVAL_MS, (error) => log(`housekeeping failed: ${(error as Error).message}`));
  const server = new ServerMetrics(() => store.countActiveSessions(Date.now()));
  collectDefaultMetrics({ register: server.registry, prefix: "gatehouse_supervisor_" });
  const metrics = new ClusterMetrics(
    () => Object.values(cluster.workers ?? {}).filter((w): w is Worker => w !== undefined),
    [server.registry],
  );

  let stopping = false;
  let started = false;
  let url = "";
  let metricsListener: MetricsListener | undefined;
  const bornAt = new Map<number, number>();
  let crashDelayMs = 0;
  const serving = new Set<number>();

  const fork = (slot: number) => {
    const worker = cluster.fork({ GATEHOUSE_WORKER_SLOT: String(slot) });
    bornAt.set(worker.id, Date.now());
    worker.on("message", (message: ListeningMessage) => {
      if (metrics.handle(worker, message)) return;
      if (message?.type === LISTENING) {
        serving.add(worker.id);
        server.workers.set(serving.size);
        if (started) log(`worker ${slot} (pid ${worker.process.pid}) is serving again`);
        onListening(message);
      }
    });
    worker.on("exit", (code, signal) => {
      serving.delete(worker.id);
      server.workers.set(serving.size);
      if (stopping) return;
      const how = signal ? `signal ${signal}` : `code ${code}`;
      if (!started) return failStart(new Error(`worker ${slot} exited with ${how} during start-up`));
      if (code === 0 && !signal) return log(`worker ${slot} (pid ${worker.process.pid}) stopped by itself (code 0); not replaced`);
      server.workerRestarts.inc({ reason: signal ? `signal_${signal}` : "exit" });
      const lived = Date.now() - (bornAt.get(worker.id) ?? 0);
      crashDelayMs = lived < 5000 ? Math.min(Math.max(crashDelayMs * 2, 250), 10_000) : 0;
      log(`worker ${slot} (pid ${worker.process.pid}) exited with ${how}; replacing it${crashDelayMs ? ` in ${crashDelayMs} ms` : ""}`);
      setTimeout(() => !stopping && fork(slot), crashDelayMs);
    });
  };

  let resolveStart!: () => void;
  let rejectStart!: (error: Error) => void;
  const allListening = new Promise<void>((resolve, reject) => {
    resolveStart = resolve;
    rejectStart = reject;
  });
  const onListening = (message: ListeningMessage) => {
    if (started) return;
    url = message.url;
    if (serving.size === 1) for (const line of message.report) log(line);
    if (serving.size === options.workers) {
      started = true;
      resolveStart();
    }
  };
  const failStart = (error: Error) => {
    void stopAll().then(() => rejectStart(error));
  };

  const stopAll = async () => {
    stopping = true;
    housekeeping.stop();
    const workers = Object.values(cluster.workers ?? {}).filter((w): w is Worker => w !== undefined);
    await Promise.all(
      workers.map(
        (worker) =>
          new Promise<void>((resolve) => {
            if (worker.isDead()) return resolve();
            const kill = setTimeout(() => worker.process.kill("SIGKILL"), options.shutdownGraceMs ?? 30_000);
            worker.once("exit", () => {
              clearTimeout(kill);
              resolve();
            });
            if (worker.isConnected()) worker.send({ type: SHUTDOWN });
            else worker.process.kill("SIGTERM");
          }),
      ),
    );
    await metricsListener?.close();
    await store.close();
  };

  for (let slot = 1; slot <= options.workers; slot++) fork(slot);
  await allListening;
  if (config.metrics.enabled && config.metrics.port !== undefined) {
    metricsListener = await listenForMetrics({
      source: () => metrics.collect(),
      port: config.metrics.port,
      host: config.metrics.host,
      ...(config.metrics.bearerToken ? { bearerToken: config.metrics.bearerToken } : {}),
      onError: (error) => log(`metrics collection failed: ${(error as Error).message}`),
    });
    log(`metrics on ${metricsListener.url}/metrics`);
  }
  let closing: Promise<void> | undefined;
  return { url, close: () => (closing ??= stopAll()) };
}
