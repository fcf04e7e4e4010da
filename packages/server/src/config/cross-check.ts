/**
 * Checks between files: names that one part of the config gives and another must provide
 * (functions named by providers, triggers and custom user data; the custom user data service;
 * providers named by auth triggers). A real export is consistent; a hand-edited directory may
 * not be. These are warnings, and only for things that are enabled.
 */
import { hasOwn } from "./fields.js";
import type { AppConfig } from "./types.js";

type Checked = Pick<AppConfig, "providers" | "customUserData" | "functions" | "triggers" | "dataSources" | "warnings">;

export function crossCheck(app: Checked): void {
  const functions = new Set(app.functions.map((f) => f.name));
  // Triggers list provider types; in App Services a provider's name always equals its type.
  const providerTypes = new Set(Object.values(app.providers).flatMap((p) => [p.type, p.name]));
  const warn = (message: string) => app.warnings.push(message);
  const needFunction = (what: string, name: unknown) => {
    if (typeof name !== "string" || name === "") warn(`${what} names no function`);
    else if (!functions.has(name)) warn(`${what} names function "${name}", which is not declared`);
  };

  for (const p of Object.values(app.providers)) {
    if (p.disabled) continue;
    if (p.type === "custom-function") needFunction(`provider ${p.name} (authFunctionName)`, p.config["authFunctionName"]);
    if (p.type === "local-userpass") {
      if (p.config["runConfirmationFunction"] === true) {
        needFunction(`provider ${p.name} (confirmationFunctionName)`, p.config["confirmationFunctionName"]);
      }
      if (p.config["runResetFunction"] === true) {
        needFunction(`provider ${p.name} (resetFunctionName)`, p.config["resetFunctionName"]);
      }
    }
  }

  const cud = app.customUserData;
  if (cud.enabled) {
    if (cud.onUserCreationFunctionName !== undefined) {
      needFunction("custom user data (on_user_creation_function_name)", cud.onUserCreationFunctionName);
    }
    if (cud.mongoServiceName !== undefined && !hasOwn(app.dataSources, cud.mongoServiceName)) {
      warn(`custom user data uses data source "${cud.mongoServiceName}", which is not configured`);
    }
  }

  for (const t of app.triggers) {
    if (t.type !== "AUTHENTICATION" || t.disabled) continue;
    if (t.functionName !== undefined && !functions.has(t.functionName)) {
      warn(`trigger ${t.name} names function "${t.functionName}", which is not declared`);
    }
    const unknown = t.providers.filter((type) => !providerTypes.has(type));
    if (unknown.length > 0) warn(`trigger ${t.name} lists providers that are not configured: ${unknown.join(", ")}`);
  }
}
