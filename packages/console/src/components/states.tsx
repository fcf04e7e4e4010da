import type { ComponentChildren } from "preact";
import { useEffect, useRef } from "preact/hooks";
import { AdminApiError } from "../api/http.js";

/** The loading, error and empty states every view shows, worded the same everywhere. */

export function Loading({ what }: { what: string }) {
  return (
    <p class="state state-loading" role="status" aria-live="polite">
      <span class="spinner" aria-hidden="true" />
      Loading {what}…
    </p>
  );
}

/** The server's own error message, with its code; a missing route says so plainly. */
export function ErrorState({ error, what, retry }: { error: Error; what: string; retry?: () => void }) {
  const api = error instanceof AdminApiError ? error : undefined;
  return (
    <div class="state state-error" role="alert">
      <p>
        <strong>Could not load {what}.</strong> {error.message}
        {api && api.code ? <code class="error-code">{api.code}</code> : null}
      </p>
      {api?.routeMissing ? <p class="hint">This server's admin API does not offer this yet.</p> : null}
      {retry ? (
        <button type="button" onClick={retry}>
          Try again
        </button>
      ) : null}
    </div>
  );
}

export function Empty({ children }: { children: ComponentChildren }) {
  return <p class="state state-empty">{children}</p>;
}

/** The outcome of the last action (disable, delete, confirm…), announced to screen readers. */
export interface ActionResult {
  ok: boolean;
  message: string;
}

/**
 * The last action's result. With `takeFocus`, a new result takes keyboard focus: for actions whose
 * control disappears with what it acted on (a confirmed or deleted registration's row).
 */
export function ResultBanner({ result, takeFocus = false }: { result: ActionResult | null; takeFocus?: boolean }) {
  const message = useRef<HTMLParagraphElement>(null);
  useEffect(() => {
    if (result && takeFocus) message.current?.focus();
  }, [result, takeFocus]);
  return (
    <div class="result-slot" role="status" aria-live="polite">
      {result ? (
        <p ref={message} tabIndex={-1} class={result.ok ? "result result-ok" : "result result-error"}>
          {result.message}
        </p>
      ) : null}
    </div>
  );
}

/** Runs an action and turns its outcome into an {@link ActionResult}. */
export async function runAction(action: () => Promise<unknown>, success: string): Promise<ActionResult> {
  try {
    await action();
    return { ok: true, message: success };
  } catch (error) {
    const e = error as Error;
    const code = e instanceof AdminApiError ? ` (${e.code})` : "";
    return { ok: false, message: `Failed: ${e.message}${code}` };
  }
}
