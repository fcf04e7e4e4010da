/** Where a lane's next call goes (pool.ts), and what a lane holds: pure functions of its slots. */
import { SILENT_MS, STUCK_MS, type LaneState, type PoolStats, type Slot } from "./pool-types.js";

/**
 * The worker that should take a lane's next call: the least busy one not held by a long run, nor
 * silent for long while busy (it may be stuck in a built-in, which sends no hold report), nor being
 * pinged (with `regularOnly`, nor a surge worker). Undefined when none can take it.
 */
export function placeOn(slots: readonly Slot[], now: number, regularOnly = false): Slot | undefined {
  let best: Slot | undefined;
  let bestScore = Infinity;
  for (const slot of slots) {
    if (!slot.worker || slot.killReason || slot.heldBy !== undefined || (regularOnly && slot.surge)) continue;
    const quiet = slot.inflight.size > 0 ? now - slot.lastHeardAt : 0;
    if (quiet > STUCK_MS || slot.pingId !== undefined) continue;
    const score = slot.inflight.size + (slot.ready ? 0 : 1_000) + (quiet > SILENT_MS ? 10_000 : 0);
    // On a tie, the worker heard from most recently: a worker stuck in a loop goes quiet first.
    if (score < bestScore || (score === bestScore && best && slot.lastHeardAt > best.lastHeardAt)) [best, bestScore] = [slot, score];
  }
  return best;
}

/** Workers, held workers, surge workers, calls running and waiting, of one lane. */
export function laneStats(lane: LaneState): PoolStats["user"] {
  return {
    workers: lane.slots.filter((slot) => slot.worker).length,
    held: lane.slots.filter((slot) => slot.heldBy !== undefined).length,
    surge: lane.slots.filter((slot) => slot.surge).length,
    running: lane.slots.reduce((sum, slot) => sum + slot.inflight.size, 0),
    waiting: lane.admission.waiting,
  };
}
