import type { Transporter } from "nodemailer";
import type { SmtpSettings } from "../server-config.js";

/** A message to send. */
export interface Mail {
  to: string;
  subject: string;
  text: string;
}

/**
 * Sends confirmation and reset mail through the configured SMTP server. nodemailer is loaded on the
 * first message, so a server that never mails does not carry it.
 */
export class Mailer {
  private transport: Promise<Transporter> | undefined;

  constructor(private readonly settings: SmtpSettings | undefined) {}

  /** Whether an SMTP server is configured. */
  get configured(): boolean {
    return this.settings !== undefined;
  }

  async send(mail: Mail): Promise<void> {
    const settings = this.settings;
    if (!settings) throw new Error("no SMTP server configured (server config: smtp)");
    this.transport ??= import("nodemailer").then(({ default: nodemailer }) =>
      nodemailer.createTransport({
        host: settings.host,
        port: settings.port,
        secure: settings.secure ?? false,
        ...(settings.auth ? { auth: settings.auth } : {}),
        // Loopback SMTP servers in tests and dev have self-signed certificates or none.
        tls: { rejectUnauthorized: !isLoopback(settings.host) },
      }),
    );
    // An address object, not a string: nodemailer parses strings as lists with display names.
    const to = { name: "", address: mail.to };
    await (await this.transport).sendMail({ from: settings.from, to, subject: mail.subject, text: mail.text });
  }

  close(): void {
    void this.transport?.then((t) => t.close());
  }
}

function isLoopback(host: string): boolean {
  return host === "localhost" || host === "::1" || host.startsWith("127.");
}

/** `base?token=..&tokenId=..`, keeping any query the configured URL already has. */
export function linkWithToken(base: string, token: string, tokenId: string): string {
  const url = new URL(base);
  url.searchParams.set("token", token);
  url.searchParams.set("tokenId", tokenId);
  return url.toString();
}
