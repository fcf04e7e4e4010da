import type { AppConfig, FunctionConfig } from "../../src/config/types.js";

/** An in-memory app whose functions are given as `{name: source}` plus optional config overrides. */
export function testApp(
  sources: Record<string, string>,
  overrides: Record<string, Partial<FunctionConfig>> = {},
  extra: Partial<AppConfig> = {},
): AppConfig {
  const functions: FunctionConfig[] = Object.entries(sources).map(([name, source]) => ({
    name,
    private: false,
    runAsSystem: false,
    disableArgLogs: false,
    sourcePath: `/nowhere/functions/${name}.js`,
    source,
    ...overrides[name],
  }));
  return {
    dir: "/nowhere",
    clientAppId: "test-app-abcde",
    name: "test-app",
    domainId: "65f000000000000000000aaa",
    location: "US-VA",
    deploymentModel: "GLOBAL",
    allowedRequestOrigins: [],
    providers: {},
    customUserData: { enabled: false },
    functions,
    values: {},
    environmentValues: {},
    triggers: [],
    dataSources: {},
    layout: "20210101",
    warnings: [],
    presentFeatures: [],
    ...extra,
  };
}

/** A normal user as the lead's auth layer would pass it. */
export const alice = {
  id: "65f000000000000000000001",
  type: "normal",
  data: { email: "alice@example.com" },
  identities: [{ id: "x", provider_type: "local-userpass" }],
  custom_data: { role: "admin" },
};
