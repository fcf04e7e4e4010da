/**
 * The set-up every provider-login test shares (server, SDK and realm-web tests): loopback identity
 * providers with real keys, the provider apps written for them, and a server serving those apps.
 */
import { after, before } from "node:test";
import { LoopbackIdentityProviders } from "./identity-providers.js";
import { writeProviderApps, type ProviderApps } from "./provider-apps.js";
import { startTestServer, type TestServer } from "./server.js";

/** The running parts; set once the suite's `before` has run, so read them inside tests and hooks. */
export interface ProviderServer<S> {
  readonly idp: LoopbackIdentityProviders;
  readonly apps: ProviderApps;
  readonly server: S;
}

/** Starts a server on the provider apps; the SDK's tests pass their own. */
export type StartServer<S> = (apps: ProviderApps, idp: LoopbackIdentityProviders) => Promise<S>;

/**
 * Registers the set-up on the suite it is called in (or on the file, at top level): `before` starts the
 * identity providers, writes the apps and starts the server (`startTestServer` on the apps unless
 * `start` is given); `after` closes the server, then the providers, then removes the apps, closing
 * whatever did start if a step failed.
 */
export function useProviderServer(): ProviderServer<TestServer>;
export function useProviderServer<S extends { close(): Promise<void> }>(start: StartServer<S>): ProviderServer<S>;
export function useProviderServer<S extends { close(): Promise<void> }>(start?: StartServer<S>): ProviderServer<S> {
  const begin = start ?? ((apps) => startTestServer({ apps: apps.dirs, config: apps.config }) as unknown as Promise<S>);
  let parts: Partial<{ idp: LoopbackIdentityProviders; apps: ProviderApps; server: S }> = {};
  before(async () => {
    parts = {};
    parts.idp = await LoopbackIdentityProviders.start();
    parts.apps = await writeProviderApps(parts.idp);
    parts.server = await begin(parts.apps, parts.idp);
  });
  after(async () => {
    await parts.server?.close();
    await parts.idp?.close();
    await parts.apps?.close();
  });
  const read = <K extends keyof typeof parts>(key: K): NonNullable<(typeof parts)[K]> => {
    const value = parts[key];
    if (value === undefined) throw new Error(`provider server: '${key}' is read before the suite's before() has started it`);
    return value as NonNullable<(typeof parts)[K]>;
  };
  return {
    get idp() {
      return read("idp");
    },
    get apps() {
      return read("apps");
    },
    get server() {
      return read("server");
    },
  };
}
