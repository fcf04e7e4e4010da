/**
 * A test server that can send mail: a loopback SMTP catcher, and a server whose config points at it
 * (without SMTP the mail routes answer `mailNotConfigured` for every address).
 */
import { after, before } from "node:test";
import type { ServerConfig, StartOptions } from "../../src/index.js";
import { startTestServer, type TestServer } from "./server.js";
import { MailCatcher } from "./smtp.js";

/** The running parts; set once the suite's `before` has run, so read them inside tests and hooks. */
export interface MailServer {
  readonly server: TestServer;
  readonly mail: MailCatcher;
}

/**
 * Registers the set-up on the suite it is called in (or on the file, at top level): `before` starts the
 * catcher and a server (`options` as for `startTestServer`, with `smtp` filled in); `after` closes the
 * server, then the catcher.
 */
export function useMailServer(options: Partial<StartOptions> & { config?: ServerConfig } = {}): MailServer {
  let server: TestServer | undefined;
  let mail: MailCatcher | undefined;
  before(async () => {
    mail = await new MailCatcher().start();
    server = await startTestServer({ ...options, config: { ...options.config, smtp: mail.settings } });
  });
  after(async () => {
    await server?.close();
    await mail?.stop();
  });
  const started = <T>(value: T | undefined, name: string): T => {
    if (value === undefined) throw new Error(`mail server: '${name}' is read before the suite's before() has started it`);
    return value;
  };
  return {
    get server() {
      return started(server, "server");
    },
    get mail() {
      return started(mail, "mail");
    },
  };
}
