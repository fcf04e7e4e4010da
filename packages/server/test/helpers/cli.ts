import { spawn } from "node:child_process";
import { join } from "node:path";
import { repoRoot } from "./server.js";

/** The built CLI (`npm test` builds first). */
export const cli = join(repoRoot, "packages/server/dist/cli.js");

/** Runs the built CLI; resolves when it prints its URL (or exits). */
export function runCli(args: string[], env: Record<string, string> = {}) {
  const child = spawn(process.execPath, [cli, ...args], { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout!.on("data", (d) => (stdout += d));
  child.stderr!.on("data", (d) => (stderr += d));
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  const listening = new Promise<string>((resolve, reject) => {
    child.stdout!.on("data", () => {
      const match = /gatehouse listening on (\S+)/.exec(stdout);
      if (match) resolve(match[1]!);
    });
    void exited.then((code) => reject(new Error(`exited ${code}: ${stderr}`)));
  });
  // Tests that expect an exit never await `listening`; keep its rejection from going unhandled.
  listening.catch(() => {});
  return { child, exited, listening, output: () => ({ stdout, stderr }) };
}
