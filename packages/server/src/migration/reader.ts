import { createInterface } from "node:readline";
import { Readable, Transform, pipeline } from "node:stream";

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
export async function* readEntries(
  input: Readable | AsyncIterable<string | Buffer>,
  options: { maxLineBytes?: number } = {},
): AsyncGenerator<SourceEntry> {
  const source = input instanceof Readable ? input : Readable.from(input);
  // pipeline, not pipe: an error on either side (a client hanging up) ends the other, and the reader.
  const guarded = options.maxLineBytes ? pipeline(source, lineLengthGuard(options.maxLineBytes), () => {}) : source;
  const lines = createInterface({ input: guarded, crlfDelay: Infinity });
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
    yield* entriesOf(value, `line ${documentStart}`);
  }
}

/** A user, a page of users, or an array of pages (a user is never an array). */
function* entriesOf(value: unknown, where: string): Generator<SourceEntry> {
  if (!Array.isArray(value)) {
    yield { where, value };
    return;
  }
  let item = 0;
  for (const element of value) {
    if (Array.isArray(element)) {
      for (const user of element) yield { where: `${where} item ${++item}`, value: user };
    } else {
      yield { where: `${where} item ${++item}`, value: element };
    }
  }
}

/** Thrown (through the stream) when a line is longer than the reader accepts. */
export class LineTooLongError extends Error {
  constructor(readonly maxLineBytes: number) {
    super(`a line is longer than ${maxLineBytes} bytes`);
  }
}

/**
 * Fails the stream at a line longer than `max` bytes: readline would hold a line without end in memory
 * (the admin route reads request bodies of any length, one line at a time).
 */
function lineLengthGuard(max: number): Transform {
  let run = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      const buffer = typeof chunk === "string" ? Buffer.from(chunk) : chunk;
      const lastNewline = buffer.lastIndexOf(10);
      if (lastNewline === -1) run += buffer.length;
      else {
        // The longest line inside the chunk, and the run it leaves open.
        let start = 0;
        for (let i = buffer.indexOf(10); i !== -1; i = buffer.indexOf(10, i + 1)) {
          if ((start === 0 ? run : 0) + i - start > max) return callback(new LineTooLongError(max));
          start = i + 1;
        }
        run = buffer.length - lastNewline - 1;
      }
      if (run > max) return callback(new LineTooLongError(max));
      callback(null, buffer);
    },
  });
}
