import { createInterface } from "node:readline";
import type { Readable } from "node:stream";

/** One entry of an import file: the parsed value, or why the text could not be read. */
export interface SourceEntry {
  /** Where the entry is: `line 12`, or `line 3 item 7` inside a page. */
  where: string;
  value?: unknown;
  error?: string;
}

/**
 * Reads what exporters of App Services users produced: NDJSON (one user per line), pages (one JSON
 * array of users per line, as the Admin API returned them, 50 at a time), or one JSON array of users or
 * of pages spanning the whole file (pretty-printed). Lines are parsed one at a time, so a million-user
 * NDJSON file is never held in memory; a whole-file array is, which the migration guide says.
 */
export async function* readEntries(input: Readable | AsyncIterable<string | Buffer>): AsyncGenerator<SourceEntry> {
  const lines = createInterface({ input: input as Readable, crlfDelay: Infinity });
  let lineNumber = 0;
  let document: string[] | undefined;
  let documentStart = 0;
  let first = true;
  for await (const line of lines) {
    lineNumber++;
    if (document) {
      document.push(line);
      continue;
    }
    const text = line.trim();
    if (text === "") continue;
    const isFirst = first;
    first = false;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      if (isFirst && (text.startsWith("[") || text.startsWith("{"))) {
        // The first line is not a value by itself: the file is one (pretty-printed) JSON document.
        document = [line];
        documentStart = lineNumber;
        continue;
      }
      yield { where: `line ${lineNumber}`, error: `not JSON (${(error as Error).message})` };
      continue;
    }
    yield* entriesOf(value, `line ${lineNumber}`);
  }
  if (document) {
    let value: unknown;
    try {
      value = JSON.parse(document.join("\n"));
    } catch (error) {
      yield { where: `line ${documentStart}`, error: `not JSON (${(error as Error).message})` };
      return;
    }
    yield* entriesOf(value, `line ${documentStart}`, true);
  }
}

/** A user, a page of users, or (for a whole-file document) an array of pages. */
function* entriesOf(value: unknown, where: string, whole = false): Generator<SourceEntry> {
  if (!Array.isArray(value)) {
    yield { where, value };
    return;
  }
  let item = 0;
  for (const element of value) {
    if (whole && Array.isArray(element)) {
      for (const user of element) yield { where: `${where} item ${++item}`, value: user };
    } else {
      yield { where: `${where} item ${++item}`, value: element };
    }
  }
}
