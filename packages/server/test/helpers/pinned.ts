import { Agent, request } from "node:http";

/**
 * One kept-alive TCP connection to a server: every request goes over the same socket, so with
 * `--workers` they all reach the same process (the cluster hands each connection to one worker).
 */
export class PinnedConnection {
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 1 });

  constructor(private readonly port: number) {}

  send(method: string, path: string, options: { token?: string; body?: unknown } = {}): Promise<{ status: number; body: any }> {
    const headers: Record<string, string> = {};
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    const payload = options.body === undefined ? undefined : JSON.stringify(options.body);
    if (payload !== undefined) headers["content-type"] = "application/json";
    return new Promise((resolve, reject) => {
      const req = request({ host: "127.0.0.1", port: this.port, method, path, headers, agent: this.agent }, (res) => {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => (text += chunk));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body: text ? JSON.parse(text) : undefined }));
      });
      req.on("error", reject);
      req.end(payload);
    });
  }

  /** The pid of the process serving this connection (from `/healthz`). */
  async pid(): Promise<number> {
    return (await this.send("GET", "/healthz")).body.pid as number;
  }

  close(): void {
    this.agent.destroy();
  }
}

/** Two connections served by two different workers (each new connection goes to the next worker). */
export async function connectionsOnTwoWorkers(port: number): Promise<[PinnedConnection, PinnedConnection]> {
  const first = new PinnedConnection(port);
  const firstPid = await first.pid();
  for (let i = 0; i < 20; i++) {
    const other = new PinnedConnection(port);
    if ((await other.pid()) !== firstPid) return [first, other];
    other.close();
  }
  throw new Error("every connection reached the same worker");
}
