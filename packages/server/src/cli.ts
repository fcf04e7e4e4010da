#!/usr/bin/env node
import { Command, Option } from "commander";
import cluster from "node:cluster";
import { availableParallelism } from "node:os";
import { delimiter } from "node:path";
import { registerAdminKeyCommands } from "./admin-cli/admin-keys.js";
import { registerOperatorCommands } from "./admin-cli/commands-ops.js";
import { registerUserAdminCommands } from "./admin-cli/commands-users.js";
import { exitCodeFor } from "./admin-cli/exit-codes.js";
import { superviseWorkers } from "./cluster/supervisor.js";
import { describeSupport, loadAppDirectory, reportWarnings } from "./config/index.js";
import { tuneHeapForServing } from "./heap-tuning.js";
import { registerUserCommands } from "./migration/commands.js";
import { readServerConfigFile, resolveServerConfig, type ServerConfig } from "./server-config.js";
// The server (Fastify, the function VM...) is loaded only by the commands that run it: the admin commands
// start several times faster without it, which a script calling the CLI per user feels.
const loadServer = () => import("./server.js");

/** `gatehouse serve` and `gatehouse check`. Every option has an environment-variable equivalent. */
const program = new Command("gatehouse").description("App Services-compatible user management server").version("0.1.0");

const collect = (value: string, previous: string[] = []) => [...previous, value];

program
  .command("serve")
  .description("serve one or more App Services app directories")
  .addOption(
    new Option("--app <dir>", "app directory (repeat for several apps; env GATEHOUSE_APPS, separated by the path delimiter)").argParser(
      collect,
    ),
  )
  .addOption(new Option("--db <url>", "sqlite:PATH or postgres://...").env("GATEHOUSE_DB").default("sqlite:data/gatehouse.db"))
  .addOption(new Option("--port <n>", "port to listen on").env("GATEHOUSE_PORT").default("9090"))
  .addOption(
    new Option("--host <host>", "interface to listen on (localhost = loopback, IPv4 and IPv6)").env("GATEHOUSE_HOST").default("localhost"),
  )
  .addOption(new Option("--public-url <url>", "base URL clients use (reported by /location)").env("GATEHOUSE_PUBLIC_URL"))
  .addOption(new Option("--config <file>", "server config file (JSON: secrets, SMTP, limits)").env("GATEHOUSE_CONFIG"))
  .addOption(new Option("--log-level <level>", "pino log level").env("GATEHOUSE_LOG_LEVEL").default("info"))
  .addOption(
    new Option("--workers <n>", "serving processes on the port: a number, or auto (one per core)").env("GATEHOUSE_WORKERS").default("1"),
  )
  .action(
    async (opts: {
      app?: string[];
      db: string;
      port: string;
      host: string;
      publicUrl?: string;
      config?: string;
      logLevel: string;
      workers: string;
    }) => {
      const heapGrowth = tuneHeapForServing();
      const apps = opts.app ?? (process.env.GATEHOUSE_APPS ? process.env.GATEHOUSE_APPS.split(delimiter).filter(Boolean) : []);
      if (apps.length === 0) fail("no app: pass --app DIR (or set GATEHOUSE_APPS)");
      const port = Number(opts.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535) fail(`--port: '${opts.port}' is not a port number`);
      const workers = opts.workers === "auto" ? availableParallelism() : Number(opts.workers);
      if (!Number.isInteger(workers) || workers < 1 || workers > 256)
        fail(`--workers: '${opts.workers}' is not a number of processes or auto`);
      const config: ServerConfig = opts.config ? await readServerConfigFile(opts.config) : {};
      const startOptions = {
        apps,
        db: opts.db,
        port,
        host: opts.host,
        ...(opts.publicUrl ? { publicUrl: opts.publicUrl } : {}),
        config,
        logLevel: opts.logLevel,
      };
      if (workers > 1 && cluster.isPrimary) return superviseFromCli(workers, startOptions.db, config);
      if (cluster.isWorker) return void (await (await import("./cluster/worker.js")).runClusterWorker(startOptions));
      const { startServer } = await loadServer();
      const server = await startServer(startOptions);
      for (const line of server.report) console.log(line);
      console.log(`database: ${server.services.store.description}`);
      console.log(`V8 old generation: a full collection once it grows ${heapGrowth} % (node --heap-growing-percent=N to choose)`);
      console.log(`gatehouse listening on ${server.url}`);
      stopOnSignals(
        (signal) => `${signal}: finishing requests in flight, then stopping`,
        () => server.close(),
      );
    },
  );

program
  .command("check")
  .description("load app directories and report what Gatehouse serves of them, without starting")
  .argument("<dirs...>", "app directories")
  .action(async (dirs: string[]) => {
    for (const dir of dirs) {
      const app = await loadAppDirectory(dir);
      console.log(`app ${app.clientAppId} (${app.name}) from ${app.dir}`);
      for (const line of describeSupport(app, (await loadServer()).SUPPORTED)) console.log(`  ${line}`);
      for (const line of reportWarnings(app)) console.log(`  warning: ${line}`);
    }
  });

/** The `--workers` supervisor: prints what it does, stops every worker on SIGTERM/SIGINT. */
async function superviseFromCli(workers: number, db: string, config: ServerConfig): Promise<void> {
  const resolved = resolveServerConfig(config);
  const log = (line: string) => console.log(line);
  log(`gatehouse supervisor (pid ${process.pid}): starting ${workers} workers`);
  const starting = superviseWorkers({ workers, db, config: resolved, log });
  // Handled from the start: a stop signal during start-up still stops the workers already forked.
  stopOnSignals(
    (signal) => `${signal}: stopping ${workers} workers after their requests in flight`,
    () => starting.then((supervisor) => supervisor.close()),
  );
  const supervisor = await starting;
  log(`gatehouse listening on ${supervisor.url} (${workers} workers)`);
}

/**
 * On the first SIGTERM or SIGINT: say what happens, `stop`, then exit 0 (1 if stopping failed). A second
 * signal while stopping is ignored, so a double Ctrl-C does not cut requests in flight.
 */
function stopOnSignals(announce: (signal: string) => string, stop: () => Promise<unknown>): void {
  let closing = false;
  const shutdown = (signal: string) => {
    if (closing) return;
    closing = true;
    console.log(announce(signal));
    stop().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  };
  for (const signal of ["SIGTERM", "SIGINT"] as const) process.on(signal, () => shutdown(signal));
}

registerAdminKeyCommands(program);
registerOperatorCommands(program);
registerUserCommands(program);
registerUserAdminCommands(program);

function fail(message: string): never {
  console.error(`gatehouse: ${message}`);
  process.exit(2);
}

program.parseAsync().catch((error: unknown) => {
  const e = error as Error & { file?: string };
  console.error(`gatehouse: ${e.message ?? String(error)}`);
  process.exit(exitCodeFor(error));
});
