import type { ImportCounts } from "./import-service.js";

/** Where the progress goes: a terminal gets one redrawn line; a pipe or file gets a line per 10 %. */
export interface ProgressTarget {
  isTTY?: boolean;
  write(text: string): unknown;
}

/**
 * The import's progress bar: how much of the input is read (by bytes, which is known before the
 * users are counted) and the counts so far.
 */
export class ProgressBar {
  private lastDecile = -1;
  private readonly started = Date.now();

  constructor(
    private readonly target: ProgressTarget,
    /** Input size in bytes, when known (a file; not standard input). */
    private readonly totalBytes: number | undefined,
    private readonly bytesRead: () => number,
  ) {}

  update(counts: ImportCounts, done = false): void {
    const fraction = this.totalBytes ? Math.min(1, this.bytesRead() / this.totalBytes) : undefined;
    const seconds = (Date.now() - this.started) / 1000;
    const rate = seconds > 0 ? Math.round(counts.read / seconds) : 0;
    const tally = `imported ${counts.imported}, skipped ${counts.skipped}, conflicts ${counts.conflicts}, errors ${counts.errors}`;
    const bar =
      fraction === undefined
        ? ""
        : `[${"#".repeat(Math.round(fraction * 30)).padEnd(30, ".")}] ${String(Math.floor(fraction * 100)).padStart(3)}% `;
    const line = `${bar}${counts.read} read: ${tally} (${rate} users/s)`;
    if (this.target.isTTY) {
      this.target.write(`\r${line}\u001b[K${done ? "\n" : ""}`);
      return;
    }
    const decile = fraction === undefined ? Math.floor(counts.read / 100_000) : Math.floor(fraction * 10);
    if (done || decile > this.lastDecile) {
      this.lastDecile = decile;
      this.target.write(`${line}\n`);
    }
  }
}
