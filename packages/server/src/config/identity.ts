/**
 * The ids an app is reached by. App Services assigned them; an export may lack `app_id`, so
 * Gatehouse derives one (rule documented in docs/apps.md).
 */
import { createHash } from "node:crypto";
import { basename } from "node:path";

/** Lower-cases and keeps `[a-z0-9-_]`; runs of anything else become one `-`, trimmed at the ends. */
export function slugify(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9_-]+/g, "-")
    .replace(/^-+|-+$/g, "");
}

/**
 * `explicit` (the `clientAppId` option) ?? `app_id` ?? slug of `name` ?? slug of the directory's
 * base name ?? `"app"`.
 * @example deriveClientAppId({ name: "My Tasks!", dir: "/apps/x" }) // "my-tasks"
 */
export function deriveClientAppId(input: { explicit?: string; appId?: string; name?: string; dir: string }): string {
  if (input.explicit) return input.explicit;
  if (input.appId) return input.appId;
  const fromName = input.name === undefined ? "" : slugify(input.name);
  if (fromName !== "") return fromName;
  return slugify(basename(input.dir)) || "app";
}

/**
 * A 24-hex id (the shape of an ObjectId) reported as `baas_domain_id` / `domain_id`: the first 24
 * hex digits of sha256("gatehouse-domain:" + clientAppId), so it is stable across restarts.
 */
export function deriveDomainId(clientAppId: string): string {
  return createHash("sha256").update(`gatehouse-domain:${clientAppId}`).digest("hex").slice(0, 24);
}
