/**
 * A progress bar on stderr for bulk work. On a terminal it redraws one line; elsewhere (a pipe, a log) it
 * prints a line at every tenth of the work, so logs stay readable.
 */
export class ProgressBar {
  private done = 0;
  private lastTenth = -1;
  private readonly tty = process.stderr.isTTY === true;

  constructor(
    private readonly total: number,
    private readonly label: string,
  ) {}

  tick(n = 1): void {
    this.done += n;
    const tenth = this.total === 0 ? 10 : Math.floor((this.done / this.total) * 10);
    if (this.tty) {
      const width = 30;
      const filled = this.total === 0 ? width : Math.round((this.done / this.total) * width);
      process.stderr.write(`\r${this.label} [${"#".repeat(filled)}${" ".repeat(width - filled)}] ${this.done}/${this.total}`);
    } else if (tenth !== this.lastTenth) {
      process.stderr.write(`${this.label} ${this.done}/${this.total}\n`);
    }
    this.lastTenth = tenth;
  }

  finish(): void {
    if (this.tty) process.stderr.write("\n");
    else if (this.lastTenth !== 10) process.stderr.write(`${this.label} ${this.done}/${this.total}\n`);
  }
}
