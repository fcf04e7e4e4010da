import { execFile } from "node:child_process";
import { chownSync, existsSync, readdirSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir, userInfo } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

/** The newest Debian PostgreSQL server binaries, or undefined when none are installed. */
export function postgresBinaries(): string | undefined {
  const root = "/usr/lib/postgresql";
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root)
    .filter((v) => existsSync(join(root, v, "bin", "pg_ctl")) && existsSync(join(root, v, "bin", "initdb")))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] ? join(root, versions[0], "bin") : undefined;
}

/**
 * Why a test needing its own PostgreSQL cannot run here, or undefined when it can. Printed as one loud
 * line; under CI=true a missing server is a failure, not a skip (CI installs it).
 */
export function throwawayPostgresSkip(): string | undefined {
  if (postgresBinaries()) return undefined;
  const reason = "SKIPPED: no PostgreSQL server binaries (/usr/lib/postgresql/*/bin/initdb): install the postgresql package";
  if (process.env.CI === "true") throw new Error(`${reason} — required under CI=true`);
  console.error(`\n*** ${reason} ***\n`);
  return reason;
}

/**
 * A PostgreSQL cluster of the test's own, in a temp dir on a free loopback port, which the test may stop
 * and start at will (never the shared one other suites use). As root it runs as the `postgres` user,
 * since PostgreSQL refuses to run as root.
 */
export class ThrowawayPostgres {
  readonly url: string;
  private constructor(
    private readonly bin: string,
    private readonly dir: string,
    readonly port: number,
  ) {
    this.url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  }

  static async create(): Promise<ThrowawayPostgres> {
    const bin = postgresBinaries();
    if (!bin) throw new Error("no PostgreSQL binaries");
    const dir = await mkdtemp(join(tmpdir(), "gatehouse-pg-"));
    const server = new ThrowawayPostgres(bin, dir, await freePort());
    if (userInfo().uid === 0) {
      const { stdout } = await run("id", ["-u", "postgres"]);
      const { stdout: gid } = await run("id", ["-g", "postgres"]);
      chownSync(dir, Number(stdout.trim()), Number(gid.trim()));
    }
    await server.pg("initdb", ["-D", server.data, "-A", "trust", "-U", "postgres", "-E", "UTF8", "--no-sync"]);
    await server.start();
    return server;
  }

  private get data(): string {
    return join(this.dir, "data");
  }

  private async pg(tool: string, args: string[]): Promise<string> {
    const command = join(this.bin, tool);
    const asRoot = userInfo().uid === 0;
    const { stdout } = await run(asRoot ? "runuser" : command, asRoot ? ["-u", "postgres", "--", command, ...args] : args, {
      cwd: this.dir,
    });
    return stdout;
  }

  /** Starts the server and waits until it accepts connections. */
  async start(): Promise<void> {
    const options = `-p ${this.port} -c listen_addresses=127.0.0.1 -k ${this.dir} -c max_connections=60`;
    await this.pg("pg_ctl", ["-D", this.data, "-l", join(this.dir, "log"), "-o", options, "-w", "-t", "60", "start"]);
  }

  /**
   * Stops the server the way an operator restart does (`-m fast`: open sessions get "terminating
   * connection due to administrator command"), and waits until it is down.
   */
  async stop(): Promise<void> {
    await this.pg("pg_ctl", ["-D", this.data, "-m", "fast", "-w", "-t", "60", "stop"]);
  }

  /** Stops the server if it runs and removes its files. */
  async destroy(): Promise<void> {
    await this.pg("pg_ctl", ["-D", this.data, "-m", "immediate", "-w", "stop"]).catch(() => {});
    await rm(this.dir, { recursive: true, force: true });
  }
}

/** A port nothing listens on right now (the kernel's pick for port 0). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
