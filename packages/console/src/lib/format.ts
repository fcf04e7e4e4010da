/** Display helpers: dates (integer seconds from the admin API) and user labels. */

import type { AdminUser } from "../api/types.js";

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });
const relative = new Intl.RelativeTimeFormat(undefined, { numeric: "auto" });

/** `12 Mar 2026, 14:05`, or an em dash for never. */
export function formatDate(seconds: number | null | undefined): string {
  if (!seconds) return "—";
  return dateTime.format(new Date(seconds * 1000));
}

/** `3 hours ago`. */
export function formatAgo(seconds: number | null | undefined, now = Date.now()): string {
  if (!seconds) return "never";
  const diff = seconds - now / 1000;
  const steps: [Intl.RelativeTimeFormatUnit, number][] = [
    ["year", 31_536_000],
    ["month", 2_592_000],
    ["day", 86_400],
    ["hour", 3_600],
    ["minute", 60],
  ];
  for (const [unit, size] of steps) {
    if (Math.abs(diff) >= size) return relative.format(Math.round(diff / size), unit);
  }
  return relative.format(Math.round(diff), "second");
}

/** The email of a user, else the email of any identity, else undefined. */
export function userEmail(user: AdminUser): string | undefined {
  if (typeof user.data?.email === "string" && user.data.email) return user.data.email;
  for (const identity of user.identities ?? []) {
    const email = identity.provider_data?.["email"];
    if (typeof email === "string" && email) return email;
  }
  return undefined;
}

/** The provider types of a user's identities, each once. */
export function userProviders(user: AdminUser): string[] {
  return [...new Set((user.identities ?? []).map((identity) => identity.provider_type))];
}

/** `datetime-local` input value ↔ seconds. */
export function toLocalInput(seconds: number | undefined): string {
  if (!seconds) return "";
  const date = new Date(seconds * 1000);
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

export function fromLocalInput(value: string): number | undefined {
  if (!value) return undefined;
  const ms = new Date(value).getTime();
  return Number.isNaN(ms) ? undefined : Math.floor(ms / 1000);
}
