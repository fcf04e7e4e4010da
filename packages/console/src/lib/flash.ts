import type { ActionResult } from "../components/states.js";

/** A result to show on the next view (a deleted user's page is gone, so the list says it). */
let pending: ActionResult | null = null;

export function setFlash(result: ActionResult): void {
  pending = result;
}

/** The pending result, once. */
export function takeFlash(): ActionResult | null {
  const result = pending;
  pending = null;
  return result;
}
