import { SMTPServer } from "smtp-server";
import type { AddressInfo } from "node:net";

/** A message the loopback SMTP server received. */
export interface CapturedMail {
  from: string;
  to: string[];
  raw: string;
}

/** A real SMTP server on loopback that keeps every message, for reading confirmation/reset links. */
export class MailCatcher {
  readonly messages: CapturedMail[] = [];
  private waiters: (() => void)[] = [];
  private server: SMTPServer;
  port = 0;

  constructor() {
    this.server = new SMTPServer({
      authOptional: true,
      disabledCommands: ["STARTTLS"],
      logger: false,
      onData: (stream, session, callback) => {
        let raw = "";
        stream.setEncoding("utf8");
        stream.on("data", (chunk: string) => (raw += chunk));
        stream.on("end", () => {
          this.messages.push({
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : "",
            to: session.envelope.rcptTo.map((r) => r.address),
            raw,
          });
          for (const wake of this.waiters.splice(0)) wake();
          callback();
        });
      },
    });
  }

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, "127.0.0.1", resolve));
    this.port = (this.server.server.address() as AddressInfo).port;
    return this;
  }

  /** SMTP settings for the Gatehouse server config. */
  get settings() {
    return { host: "127.0.0.1", port: this.port, secure: false, from: "Gatehouse <noreply@gatehouse.test>" };
  }

  /** Waits for the next message to `to` (or returns one already received after `since`). */
  async waitFor(to: string, since = 0, timeoutMs = 5000): Promise<CapturedMail> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.messages.slice(since).find((m) => m.to.includes(to));
      if (found) return found;
      if (Date.now() > deadline) throw new Error(`no mail to ${to} within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 100);
      });
    }
  }

  /** Waits for the `n`-th (1-based) message to `to`. */
  async waitForNth(to: string, n = 1, timeoutMs = 5000): Promise<CapturedMail> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.messages.filter((m) => m.to.includes(to))[n - 1];
      if (found) return found;
      if (Date.now() > deadline) throw new Error(`no mail #${n} to ${to} within ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/** The `token` and `tokenId` of the first link in a message (quoted-printable soft breaks undone). */
export function linkTokens(mail: CapturedMail): { token: string; tokenId: string; url: URL } {
  const body = mail.raw.replace(/=\r?\n/g, "").replace(/=3D/gi, "=");
  const match = /https?:\/\/[^\s"<>]+/.exec(body);
  if (!match) throw new Error("no link in mail");
  const url = new URL(match[0].replace(/&amp;/g, "&"));
  const token = url.searchParams.get("token");
  const tokenId = url.searchParams.get("tokenId");
  if (!token || !tokenId) throw new Error(`link without token: ${url}`);
  return { token, tokenId, url };
}
