/**
 * The start-up report: one human line per thing the app configures, saying what Gatehouse does
 * with it. Nothing present in the export is left out; unsupported things say so. Warnings are not
 * part of these lines: print `reportWarnings(app)` (or `app.warnings`) after them.
 */
import { relative, sep } from "node:path";
import { featureKey } from "./features.js";
import { missingSourceWarning } from "./functions.js";
import type { AppConfig, ProviderConfig } from "./types.js";

export interface SupportedSet {
  /** Provider types the server implements (`anon-user`, `local-userpass`, ...). */
  providers: string[];
  /** presentFeatures keys the server serves (see featureKey); everything else is reported as ignored. */
  features: string[];
}

/**
 * @example
 * describeSupport(app, { providers: ["anon-user", "local-userpass"], features: [] });
 * // ["layout 20210101", "provider anon-user: enabled", ...]
 */
export function describeSupport(app: AppConfig, supported: SupportedSet): string[] {
  const lines: string[] = [];
  const env = app.environment !== undefined ? `, environment ${app.environment}` : "";
  // The caller prints its own "app <id>" header; this line adds what it does not show.
  lines.push(`layout ${app.layout}${env}`);

  const providers = Object.values(app.providers).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  if (providers.every((p) => p.disabled)) lines.push("providers: none enabled (nobody can log in)");
  for (const p of providers) lines.push(describeProvider(p, supported.providers.includes(p.type)));

  // Missing sources are summed up here; reportWarnings leaves out the one-per-function warnings.
  const missing = app.functions.filter((f) => f.source === undefined);
  const names = missing.slice(0, 5).map((f) => f.name);
  const more = missing.length > names.length ? `, and ${missing.length - names.length} more` : "";
  const list = missing.length > 0 ? ` (${names.join(", ")}${more})` : "";
  lines.push(`functions: ${app.functions.length} declared, ${missing.length} without source${list}`);
  lines.push(describeCustomUserData(app));

  for (const t of app.triggers) {
    if (t.type !== "AUTHENTICATION") continue;
    const scope = t.providers.length > 0 ? ` for ${t.providers.join(", ")}` : " for all providers";
    const target = t.functionName !== undefined ? `calls ${t.functionName}` : "no function, will not run";
    lines.push(`trigger ${t.name}: AUTHENTICATION ${t.operationType ?? "?"}${scope}, ${target}${t.disabled ? " (disabled)" : ""}`);
  }

  const values = Object.values(app.values);
  if (values.length > 0) {
    const secret = values.filter((v) => v.fromSecret).map((v) => v.name);
    const secretText = secret.length > 0 ? `, ${secret.length} from secrets (${secret.join(", ")})` : "";
    lines.push(`values: ${values.length}${secretText}`);
  }
  const envCount = Object.keys(app.environmentValues).length;
  if (envCount > 0) lines.push(`environment values: ${envCount}`);

  for (const ds of Object.values(app.dataSources)) {
    lines.push(`data source ${ds.name}: ${ds.type}, ${ds.uri !== undefined ? "uri configured" : "no uri in the export"}`);
  }
  if (app.allowedRequestOrigins.length > 0) {
    lines.push(`allowed request origins: ${app.allowedRequestOrigins.join(", ")}`);
  }

  for (const feature of app.presentFeatures) {
    const status = supported.features.includes(featureKey(feature)) ? "served" : "not supported (ignored)";
    lines.push(`${featureLabel(feature)}: ${status}`);
  }
  return lines;
}

/**
 * `app.warnings` without the per-function "declared but source missing" ones, which the functions
 * line of describeSupport already sums up. describeSupport + reportWarnings is the whole report;
 * describeSupport + `app.warnings` is too, only longer.
 */
export function reportWarnings(app: AppConfig): string[] {
  const folded = new Set(
    app.functions
      .filter((f) => f.source === undefined)
      .map((f) => missingSourceWarning(f.name, relative(app.dir, f.sourcePath).split(sep).join("/"))),
  );
  return app.warnings.filter((w) => !folded.has(w));
}

/** `"triggers: 2 DATABASE"` → `"triggers 2 DATABASE"`, so the status can follow a colon. */
function featureLabel(feature: string): string {
  const key = featureKey(feature);
  return feature.startsWith(`${key}: `) ? `${key} ${feature.slice(key.length + 2)}` : feature;
}

function describeProvider(p: ProviderConfig, isSupported: boolean): string {
  const label = p.name === p.type ? `provider ${p.name}` : `provider ${p.name} (${p.type})`;
  if (p.disabled) return `${label}: disabled`;
  if (!isSupported) return `${label}: not supported yet`;
  const detail = providerDetail(p);
  return `${label}: enabled${detail ? ` (${detail})` : ""}`;
}

function providerDetail(p: ProviderConfig): string {
  const c = p.config;
  switch (p.type) {
    case "local-userpass": {
      const parts: string[] = [];
      if (c["autoConfirm"] === true) parts.push("auto-confirm");
      else if (c["runConfirmationFunction"] === true) parts.push(`confirmation by function ${String(c["confirmationFunctionName"])}`);
      else
        parts.push(
          `confirmation email to ${typeof c["emailConfirmationUrl"] === "string" ? c["emailConfirmationUrl"] : "(no emailConfirmationUrl)"}`,
        );
      if (c["runResetFunction"] === true) parts.push(`reset by function ${String(c["resetFunctionName"])}`);
      else parts.push(`reset email to ${typeof c["resetPasswordUrl"] === "string" ? c["resetPasswordUrl"] : "(no resetPasswordUrl)"}`);
      return parts.join(", ");
    }
    case "custom-function":
      return `function ${String(c["authFunctionName"])}`;
    case "custom-token":
      return c["useJWKURI"] === true
        ? `keys from ${String(c["jwkURI"])}`
        : `${String(c["signingAlgorithm"] || "HS256")}, signing key secrets: ${[p.secretConfig["signingKeys"] ?? []].flat().join(", ") || "none"}`;
    case "oauth2-google":
    case "oauth2-apple":
    case "oauth2-facebook": {
      const parts = [typeof c["clientId"] === "string" ? `client id ${c["clientId"]}` : "no clientId"];
      if (p.type === "oauth2-google") parts.push(c["openId"] === true ? "OpenID id_tokens" : "auth codes");
      parts.push(`${p.redirectUris.length} redirect_uris`);
      if (p.domainRestrictions.length > 0) parts.push(`domains ${p.domainRestrictions.join(", ")}`);
      return parts.join(", ");
    }
    default:
      return typeof c["clientId"] === "string" ? `client id ${c["clientId"]}` : "";
  }
}

function describeCustomUserData(app: AppConfig): string {
  const c = app.customUserData;
  if (!c.enabled) return "custom user data: disabled";
  const onCreate = c.onUserCreationFunctionName !== undefined ? `, on user creation ${c.onUserCreationFunctionName}` : "";
  return `custom user data: enabled (${c.mongoServiceName} ${c.databaseName}.${c.collectionName}, user_id_field ${c.userIdField}${onCreate})`;
}
