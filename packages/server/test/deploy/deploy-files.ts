import { spawn, type ChildProcess } from "node:child_process";

/** One instruction of a Dockerfile, continuation lines joined. */
export interface DockerInstruction {
  instruction: string;
  args: string;
}

/** Parses a Dockerfile into instructions (comments and blank lines dropped, `\` continuations joined). */
export function parseDockerfile(text: string): DockerInstruction[] {
  const instructions: DockerInstruction[] = [];
  let pending = "";
  for (const raw of text.split("\n")) {
    const line = raw.trimEnd();
    if (pending === "" && (line.trim() === "" || line.trimStart().startsWith("#"))) continue;
    if (line.endsWith("\\")) {
      pending += `${line.slice(0, -1).trim()} `;
      continue;
    }
    const full = `${pending}${line.trim()}`;
    pending = "";
    const match = /^([A-Za-z]+)\s+(.*)$/.exec(full);
    if (!match) throw new Error(`Dockerfile: cannot read '${full}'`);
    instructions.push({ instruction: match[1]!.toUpperCase(), args: match[2]! });
  }
  if (pending) throw new Error("Dockerfile: ends inside a continuation");
  return instructions;
}

/** The instructions of the last stage (from its FROM on). */
export function finalStage(instructions: DockerInstruction[]): DockerInstruction[] {
  const last = instructions.map((i) => i.instruction).lastIndexOf("FROM");
  return instructions.slice(last);
}

/** `ENV A=1 B=2` (the only form the example uses) as a map; later instructions win. */
export function dockerEnv(stage: DockerInstruction[]): Record<string, string> {
  const env: Record<string, string> = {};
  for (const { instruction, args } of stage) {
    if (instruction !== "ENV") continue;
    for (const pair of args.split(/\s+/)) {
      const eq = pair.indexOf("=");
      if (eq < 1) throw new Error(`ENV: '${pair}' is not NAME=value`);
      env[pair.slice(0, eq)] = pair.slice(eq + 1);
    }
  }
  return env;
}

/** An exec-form command (`["node", "x.js"]`), as CMD and HEALTHCHECK ... CMD use. */
export function execForm(text: string): string[] {
  const parsed: unknown = JSON.parse(text);
  if (!Array.isArray(parsed) || !parsed.every((a) => typeof a === "string")) throw new Error(`not an exec form: ${text}`);
  return parsed as string[];
}

/** Compose's `${VAR}`, `${VAR:-default}` and `${VAR:?message}` interpolation. */
export function interpolate(value: string, env: Record<string, string | undefined>): string {
  return value.replace(/\$\{(\w+)(?::([-?])([^}]*))?\}/g, (_, name: string, op?: string, arg?: string) => {
    const found = env[name];
    if (found !== undefined && found !== "") return found;
    if (op === "-") return arg ?? "";
    if (op === "?") throw new Error(`compose: ${name} is required: ${arg}`);
    return "";
  });
}

/** A spawned command, its output, and its exit. */
export interface Running {
  child: ChildProcess;
  exited: Promise<number | null>;
  output(): string;
  /** Resolves once the output has matched `pattern` (now or later); rejects if the command exits first. */
  printed(pattern: RegExp): Promise<void>;
}

/** Spawns `command` (`node` is this Node) with exactly `env` added to PATH and HOME. */
export function run(command: string[], options: { cwd: string; env: Record<string, string> }): Running {
  const [program, ...args] = command;
  const executable = program === "node" ? process.execPath : program!;
  const child = spawn(executable, args, {
    cwd: options.cwd,
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "/tmp", ...options.env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout!.on("data", (d) => (output += d));
  child.stderr!.on("data", (d) => (output += d));
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  const printed = (pattern: RegExp) =>
    new Promise<void>((resolve, reject) => {
      const check = () => {
        if (!pattern.test(output)) return;
        child.stdout!.off("data", check);
        resolve();
      };
      child.stdout!.on("data", check);
      void exited.then(() => reject(new Error(`exited before printing ${pattern}: ${output}`)));
      check();
    });
  return { child, exited, output: () => output, printed };
}

/** Runs a health-check command to its end; resolves with its exit code. */
export function runToEnd(command: string[], options: { cwd: string; env: Record<string, string> }): Promise<number | null> {
  return run(command, options).exited;
}
