import { chmod, mkdir, readFile, writeFile } from "node:fs/promises";
import { homedir } from "node:os";
import { dirname, join } from "node:path";

/** Where `gatehouse login` keeps the server URL and key: `GATEHOUSE_PROFILE`, else the user's config dir. */
export function profilePath(): string {
  if (process.env.GATEHOUSE_PROFILE) return process.env.GATEHOUSE_PROFILE;
  const base = process.env.XDG_CONFIG_HOME || join(homedir(), ".config");
  return join(base, "gatehouse", "profile.json");
}

/** What a profile holds. */
export interface Profile {
  url: string;
  /** `username:apiKey`. */
  key: string;
}

export async function readProfile(): Promise<Profile | undefined> {
  try {
    const value = JSON.parse(await readFile(profilePath(), "utf8")) as Partial<Profile>;
    return typeof value.url === "string" && typeof value.key === "string" ? { url: value.url, key: value.key } : undefined;
  } catch {
    return undefined;
  }
}

/** Writes the profile readable by its owner only: it holds a private key. */
export async function writeProfile(profile: Profile): Promise<string> {
  const path = profilePath();
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  await writeFile(path, `${JSON.stringify(profile, null, 2)}\n`, { mode: 0o600 });
  await chmod(path, 0o600);
  return path;
}
