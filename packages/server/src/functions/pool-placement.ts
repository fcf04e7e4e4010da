/** Where a lane's next call goes (pool.ts), and what a lane holds: pure functions of its slots. */
import { FILL_CAP, FILL_QUIET_MS, SILENT_MS, STUCK_MS, type LaneState, type PoolStats, type Slot } from "./pool-types.js";

/**
 * The worker that should take a lane's next call: the first one, in order, that is ready, has fewer
 * than FILL_CAP calls in flight and has been heard from within FILL_QUIET_MS — filling one worker
 * before the next means fewer sleeping threads to wake per call, and a worker held by a long run
 * hands back what it has not started (worker.ts). When none is, the least busy one. Never a worker
 * held by a long run, nor one silent for long while busy (it may be stuck in a built-in, which sends
 * no hold report), nor one being pinged; with `regularOnly`, nor a surge worker. Undefined when none
 * can take the call.
 */
export function placeOn(slots: readonly Slot[], now: number, regularOnly = false): Slot | undefined {
  let best: Slot | undefined;
  let bestScore = Infinity;
  for (const slot of slots) {
    if (!slot.worker || slot.killReason || slot.heldBy !== undefined || (regularOnly && slot.surge)) continue;
    const quiet = slot.inflight.size > 0 ? now - slot.lastHeardAt : 0;
    if (quiet > STUCK_MS || slot.pingId !== undefined) continue;
    if (slot.ready && slot.inflight.size < FILL_CAP && quiet <= FILL_QUIET_MS) return slot;
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
