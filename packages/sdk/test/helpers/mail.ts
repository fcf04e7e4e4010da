/**
 * A real SMTP server on loopback that keeps every message, so tests can follow confirmation and reset
 * links the way a user would.
 */
import type { AddressInfo } from "node:net";
import { SMTPServer } from "smtp-server";

/** A received message. */
export interface Mail {
  to: string[];
  raw: string;
}

/** Collects mail sent by the Gatehouse server under test. */
export class MailCatcher {
  readonly messages: Mail[] = [];
  private readonly server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS"],
    logger: false,
    onData: (stream, session, callback) => {
      let raw = "";
      stream.setEncoding("utf8");
      stream.on("data", (chunk: string) => (raw += chunk));
      stream.on("end", () => {
        this.messages.push({ to: session.envelope.rcptTo.map((r) => r.address), raw });
        callback();
      });
    },
  });
  private port = 0;

  /** Starts listening on a free loopback port. */
  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, "127.0.0.1", resolve));
    this.port = (this.server.server.address() as AddressInfo).port;
    return this;
  }

  /** SMTP settings for the server config. */
  get settings() {
    return { host: "127.0.0.1", port: this.port, secure: false, from: "Gatehouse <noreply@gatehouse.test>" };
  }

  /** Waits for the `n`-th (1-based) message to `to`. */
  async waitFor(to: string, n = 1, timeoutMs = 5000): Promise<Mail> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.messages.filter((m) => m.to.includes(to))[n - 1];
      if (found) return found;
      if (Date.now() > deadline) throw new Error(`no mail #${n} to ${to} within ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  /** Stops the server. */
  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/** The `token` and `tokenId` of the link in a message (quoted-printable soft breaks undone). */
export function linkTokens(mail: Mail): { token: string; tokenId: string } {
  const body = mail.raw.replace(/=\r?\n/g, "").replace(/=3D/gi, "=");
  const match = /https?:\/\/[^\s"<>]+/.exec(body);
  if (!match) throw new Error("no link in mail");
  const url = new URL(match[0].replace(/&amp;/g, "&"));
  const token = url.searchParams.get("token");
  const tokenId = url.searchParams.get("tokenId");
  if (!token || !tokenId) throw new Error(`link without token: ${url.href}`);
  return { token, tokenId };
}
