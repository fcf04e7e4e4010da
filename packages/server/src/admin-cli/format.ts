import type { AdminUserView } from "../admin/index.js";
import { relativeTime, renderTable } from "./table.js";

/** What identifies a user to a person: its email, else its name, else its first identity's id. */
export function userLabel(user: AdminUserView): string {
  const email = user.data.email;
  if (typeof email === "string") return email;
  const name = user.data.name;
  if (typeof name === "string") return name;
  return "";
}

/** Users as an aligned table with relative times. */
export function usersTable(users: AdminUserView[], now = Date.now()): string {
  return renderTable(
    ["ID", "EMAIL/NAME", "TYPE", "PROVIDERS", "STATUS", "CREATED", "LAST LOGIN"],
    users.map((u) => [
      u._id,
      userLabel(u) || "-",
      u.type,
      [...new Set(u.identities.map((i) => i.provider_type))].join(",") || "-",
      u.disabled ? "disabled" : "enabled",
      relativeTime(u.creation_date * 1000, now),
      u.last_authentication_date ? relativeTime(u.last_authentication_date * 1000, now) : "never",
    ]),
  );
}

/** One user, field by field. */
export function userDetails(user: AdminUserView, now = Date.now()): string {
  const rows: [string, string][] = [
    ["id", user._id],
    ["type", user.type],
    ["status", user.disabled ? "disabled" : "enabled"],
    ["created", `${new Date(user.creation_date * 1000).toISOString()} (${relativeTime(user.creation_date * 1000, now)})`],
    [
      "last login",
      user.last_authentication_date
        ? `${new Date(user.last_authentication_date * 1000).toISOString()} (${relativeTime(user.last_authentication_date * 1000, now)})`
        : "never",
    ],
    ["data", JSON.stringify(user.data)],
    ...user.identities.map((i, n): [string, string] => [`identity ${n + 1}`, `${i.provider_type} ${i.id}`]),
  ];
  const width = Math.max(...rows.map(([k]) => k.length));
  return rows.map(([k, v]) => `${k.padEnd(width)}  ${v}`).join("\n");
}
