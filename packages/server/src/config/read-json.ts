/**
 * File access for the loader. Every path given to these helpers is relative to the app directory
 * and uses `/`, so errors and warnings can name files the way the export names them.
 */
import { readFile, readdir, stat } from "node:fs/promises";
import { join } from "node:path";
import { ConfigError } from "./errors.js";
import { findJsonErrorOffset, lineAndColumn } from "./json-position.js";

/** State shared by the loader's steps: where the app is, and the findings collected so far. */
export interface LoadContext {
  /** Absolute path of the app directory. */
  dir: string;
  warnings: string[];
}

/** Joins path segments with `/`, skipping empty ones. */
export function relJoin(...parts: string[]): string {
  return parts.filter((p) => p !== "" && p !== ".").join("/");
}

function abs(ctx: LoadContext, rel: string): string {
  return join(ctx.dir, ...rel.split("/"));
}

/** Absolute path of a file given relative to the app directory. */
export function absolutePath(ctx: LoadContext, rel: string): string {
  return abs(ctx, rel);
}

function isNotFound(e: unknown): boolean {
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  return code === "ENOENT" || code === "ENOTDIR";
}

export async function isFile(ctx: LoadContext, rel: string): Promise<boolean> {
  try {
    return (await stat(abs(ctx, rel))).isFile();
  } catch (e) {
    if (isNotFound(e)) return false;
    throw unreadable(rel, e);
  }
}

export async function isDirectory(ctx: LoadContext, rel: string): Promise<boolean> {
  try {
    return (await stat(abs(ctx, rel))).isDirectory();
  } catch (e) {
    if (isNotFound(e)) return false;
    throw unreadable(rel, e);
  }
}

export interface DirEntry {
  name: string;
  /** Path relative to the app directory. */
  rel: string;
  isDirectory: boolean;
  isFile: boolean;
}

/** Entries of a directory sorted by name; empty when the directory does not exist. */
export async function listDirectory(ctx: LoadContext, rel: string): Promise<DirEntry[]> {
  let entries;
  try {
    entries = await readdir(abs(ctx, rel), { withFileTypes: true });
  } catch (e) {
    if (isNotFound(e)) return [];
    throw unreadable(rel, e);
  }
  return entries
    .map((d) => ({
      name: d.name,
      rel: relJoin(rel, d.name),
      isDirectory: d.isDirectory(),
      isFile: d.isFile(),
    }))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** `*.json` files directly in a directory (not recursive), sorted. */
export async function listJsonFiles(ctx: LoadContext, rel: string): Promise<string[]> {
  return (await listDirectory(ctx, rel)).filter((e) => e.isFile && e.name.endsWith(".json")).map((e) => e.rel);
}

/** Every file below a directory (recursive, skipping node_modules), sorted. */
export async function walkFiles(ctx: LoadContext, rel: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await listDirectory(ctx, rel)) {
    if (entry.isDirectory) {
      if (entry.name !== "node_modules") out.push(...(await walkFiles(ctx, entry.rel)));
    } else if (entry.isFile) out.push(entry.rel);
  }
  return out;
}

/** The text of a file without a leading byte-order mark, or undefined when it does not exist. */
export async function readTextIfExists(ctx: LoadContext, rel: string): Promise<string | undefined> {
  let text: string;
  try {
    text = await readFile(abs(ctx, rel), "utf8");
  } catch (e) {
    if (isNotFound(e) || (e as NodeJS.ErrnoException).code === "EISDIR") return undefined;
    throw unreadable(rel, e);
  }
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/** Parses JSON text, turning a syntax error into a ConfigError with line and column. */
export function parseJson(text: string, rel: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    const offset = findJsonErrorOffset(text) ?? positionFromMessage(e);
    const where = offset === undefined ? undefined : lineAndColumn(text, offset);
    const reason = text.trim() === "" ? "the file is empty" : (e as Error).message;
    return throwInvalidJson(rel, reason, where, e);
  }
}

function throwInvalidJson(rel: string, reason: string, where: { line: number; column: number } | undefined, cause: unknown): never {
  throw new ConfigError({
    code: "ERR_CONFIG_INVALID_JSON",
    file: rel,
    problem: `invalid JSON: ${reason}`,
    line: where?.line,
    column: where?.column,
    cause,
  });
}

function positionFromMessage(e: unknown): number | undefined {
  const m = /at position (\d+)/.exec(e instanceof Error ? e.message : "");
  return m ? Number(m[1]) : undefined;
}

/** Reads and parses a JSON file; undefined when the file does not exist. Invalid JSON throws. */
export async function readJsonIfExists(ctx: LoadContext, rel: string): Promise<unknown> {
  const text = await readTextIfExists(ctx, rel);
  return text === undefined ? undefined : parseJson(text, rel);
}

/**
 * For files Gatehouse only looks at to report what it ignores (sync, hosting, services, ...):
 * invalid JSON becomes a warning instead of stopping the load.
 */
export async function readJsonLenient(ctx: LoadContext, rel: string): Promise<unknown> {
  try {
    return await readJsonIfExists(ctx, rel);
  } catch (e) {
    if (e instanceof ConfigError && e.code === "ERR_CONFIG_INVALID_JSON") {
      ctx.warnings.push(`${e.message} (file ignored)`);
      return undefined;
    }
    throw e;
  }
}

function unreadable(rel: string, cause: unknown): ConfigError {
  const reason = cause instanceof Error ? cause.message : String(cause);
  return new ConfigError({
    code: "ERR_CONFIG_UNREADABLE",
    file: rel || ".",
    problem: `cannot read: ${reason}`,
    cause,
  });
}
