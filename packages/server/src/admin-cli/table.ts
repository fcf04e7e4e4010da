/** Aligned text tables and relative times for the CLI's human output. */

/** Columns padded to their widest cell, two spaces apart; the last column is not padded. */
export function renderTable(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(widths[i]!)))
      .join("  ")
      .trimEnd();
  return [line(headers), ...rows.map(line)].join("\n");
}

const UNITS: [number, string][] = [
  [365 * 24 * 3600, "y"],
  [30 * 24 * 3600, "mo"],
  [7 * 24 * 3600, "w"],
  [24 * 3600, "d"],
  [3600, "h"],
  [60, "m"],
];

/** `3d ago`, `just now`, `in 5m`: the largest whole unit. */
export function relativeTime(atMs: number, nowMs: number): string {
  const delta = Math.round((nowMs - atMs) / 1000);
  const abs = Math.abs(delta);
  if (abs < 60) return delta >= 0 ? "just now" : "in <1m";
  for (const [size, unit] of UNITS) {
    if (abs >= size) {
      const n = Math.floor(abs / size);
      return delta >= 0 ? `${n}${unit} ago` : `in ${n}${unit}`;
    }
  }
  return "just now";
}
