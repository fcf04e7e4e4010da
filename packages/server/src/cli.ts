#!/usr/bin/env node
import { Command, Option } from "commander";
import { delimiter } from "node:path";
import { registerAdminKeyCommands } from "./admin-cli/admin-keys.js";
import { registerOperatorCommands } from "./admin-cli/commands-ops.js";
import { registerUserAdminCommands } from "./admin-cli/commands-users.js";
import { exitCodeFor } from "./admin-cli/exit-codes.js";
import { describeSupport, loadAppDirectory, reportWarnings } from "./config/index.js";
import { registerUserCommands } from "./migration/commands.js";
import { readServerConfigFile, type ServerConfig } from "./server-config.js";
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
  .action(
    async (opts: { app?: string[]; db: string; port: string; host: string; publicUrl?: string; config?: string; logLevel: string }) => {
      const apps = opts.app ?? (process.env.GATEHOUSE_APPS ? process.env.GATEHOUSE_APPS.split(delimiter).filter(Boolean) : []);
      if (apps.length === 0) fail("no app: pass --app DIR (or set GATEHOUSE_APPS)");
      const port = Number(opts.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535) fail(`--port: '${opts.port}' is not a port number`);
      const config: ServerConfig = opts.config ? await readServerConfigFile(opts.config) : {};
      const { startServer } = await loadServer();
      const server = await startServer({
        apps,
        db: opts.db,
        port,
        host: opts.host,
        ...(opts.publicUrl ? { publicUrl: opts.publicUrl } : {}),
        config,
        logLevel: opts.logLevel,
      });
      for (const line of server.report) console.log(line);
      console.log(`database: ${server.services.store.description}`);
      console.log(`gatehouse listening on ${server.url}`);
      let closing = false;
      const shutdown = (signal: string) => {
        if (closing) return;
        closing = true;
        console.log(`${signal}: finishing requests in flight, then stopping`);
        server.close().then(
          () => process.exit(0),
          (error: unknown) => {
            console.error(error);
            process.exit(1);
          },
        );
      };
      process.on("SIGTERM", () => shutdown("SIGTERM"));
      process.on("SIGINT", () => shutdown("SIGINT"));
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
