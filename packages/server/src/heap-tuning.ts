import { setFlagsFromString } from "node:v8";

/**
 * How far V8 lets the old generation grow past what the last full collection kept, as `gatehouse serve`
 * runs it: +30 %, the factor V8 itself uses when it optimises for memory. V8's default adapts between
 * +10 % and +300 % to how fast collection is; on a server that keeps ~25 MB live and promotes a few MB
 * of request garbage a second, it picked about +200 % after start-up and went tens of seconds without a
 * full collection, so resident memory under load grew by 20–40 MB of garbage. At +30 % a full
 * collection runs every few seconds under load (marking is incremental and mostly on a helper thread).
 */
export const SERVING_HEAP_GROWING_PERCENT = 30;

/**
 * Applies {@link SERVING_HEAP_GROWING_PERCENT} to this process, unless the operator chose a value
 * (`node --heap-growing-percent=N`). Called by `gatehouse serve` for the process it owns, never by
 * `startServer`, which may be embedded in someone else's process; the bench's server calls it too, so it
 * is measured as it is served. V8 reads this flag at every full collection, so setting it after start
 * takes effect (unlike the young generation's size, which is fixed when the heap is made).
 * @returns the growing percent in force.
 */
export function tuneHeapForServing(execArgv: readonly string[] = process.execArgv): number {
  const chosen = execArgv.map((arg) => /^--heap[-_]growing[-_]percent=(\d+)$/.exec(arg)).find(Boolean);
  if (chosen) return Number(chosen[1]);
  setFlagsFromString(`--heap-growing-percent=${SERVING_HEAP_GROWING_PERCENT}`);
  return SERVING_HEAP_GROWING_PERCENT;
}
