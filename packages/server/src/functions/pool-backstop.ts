/** The main thread's backstop over the calls in flight (pool.ts): a pure pass over the pending calls. */
import { BACKSTOP_MS, type Pending, type Slot } from "./pool-types.js";

/**
 * Looks at every call whose check is due. A call's deadline is its limit from when the worker started
 * it, plus the backstop: past it, `expire`. A call still waiting inside its worker has used none of its
 * time: `checkAlive` pings its worker and the call's check comes again a full limit later.
 */
export function backstopSweep(
  pending: Map<number, Pending>,
  now: number,
  checkAlive: (slot: Slot) => void,
  expire: (id: number) => void,
): void {
  // Settling while iterating is safe: a Map visits entries added meanwhile and skips deleted ones.
  for (const [id, call] of pending) {
    if (now < call.checkAt) continue;
    if (call.startedAt === undefined) {
      checkAlive(call.slot);
      call.checkAt = now + call.timeLimitMs + BACKSTOP_MS;
      continue;
    }
    const deadline = call.startedAt + call.timeLimitMs + BACKSTOP_MS;
    // Started after its check was set: the deadline counts from then.
    if (now < deadline) call.checkAt = deadline;
    else expire(id);
  }
}
