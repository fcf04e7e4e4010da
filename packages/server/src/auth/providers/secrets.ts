import type { AppRuntime } from "../../apps/app-runtime.js";
import type { ProviderConfig } from "../../config/types.js";
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
