import type { AppRuntime } from "../../apps/app-runtime.js";
import type { AppConfig, ProviderConfig } from "../../config/types.js";
import { Errors } from "../../errors.js";

/**
 * The values of a `secret_config` option, resolved through the server config's `apps.<id>.secrets`
 * (exports carry secret names only). A name without a value is the operator's mistake: 500, naming it.
 */
export function secretValues(app: AppRuntime, provider: ProviderConfig, option: string): string[] {
  const names = [provider.secretConfig[option] ?? []].flat();
  return names.map((name) => {
    const value = app.settings.secrets && Object.hasOwn(app.settings.secrets, name) ? app.settings.secrets[name] : undefined;
    if (typeof value !== "string" || value === "") {
      throw Errors.providerMisconfigured(
        provider.type,
        `secret '${name}' (secret_config.${option}) has no value in the server config apps.${app.id}.secrets`,
      );
    }
    return value;
  });
}

/** The one value of a single-secret option (`clientSecret`). */
export function secretValue(app: AppRuntime, provider: ProviderConfig, option: string): string {
  const values = secretValues(app, provider, option);
  if (values.length !== 1) throw Errors.providerMisconfigured(provider.type, `secret_config.${option} must name one secret`);
  return values[0]!;
}

/** Start-up warnings: every `secret_config` name of an enabled provider that has no value. */
export function missingSecretWarnings(config: AppConfig, secrets: Record<string, string> | undefined): string[] {
  const warnings: string[] = [];
  for (const provider of Object.values(config.providers)) {
    if (provider.disabled) continue;
    for (const [option, names] of Object.entries(provider.secretConfig)) {
      for (const name of [names].flat()) {
        if (!secrets || typeof secrets[name] !== "string" || secrets[name] === "") {
          warnings.push(
            `provider ${provider.name}: secret '${name}' (secret_config.${option}) has no value in apps.${config.clientAppId}.secrets; its logins will fail`,
          );
        }
      }
    }
  }
  return warnings;
}
