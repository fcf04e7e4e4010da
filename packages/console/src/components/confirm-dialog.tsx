import type { ComponentChildren } from "preact";
import { useEffect, useRef } from "preact/hooks";

/**
 * An in-page confirmation: a modal `<dialog>` (Tab goes round its buttons, Escape cancels, focus goes
 * back to the button that opened it), not `window.confirm`, so it can say what will be lost and be
 * driven by the keyboard and by tests alike.
 */
export function ConfirmDialog(props: {
  open: boolean;
  title: string;
  children: ComponentChildren;
  confirmLabel: string;
  busy?: boolean;
  onConfirm: () => void;
  onCancel: () => void;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const opener = useRef<HTMLElement | null>(null);
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (props.open && !dialog.open) {
      opener.current = document.activeElement instanceof HTMLElement ? document.activeElement : null;
      dialog.showModal();
    }
    if (!props.open && dialog.open) {
      dialog.close();
      // Back to the button that opened it, if it is still there (a confirmed delete may have removed it).
      if (opener.current?.isConnected) opener.current.focus();
      opener.current = null;
    }
  }, [props.open]);
  return (
    <dialog
      ref={ref}
      class="confirm-dialog"
      aria-labelledby="confirm-dialog-title"
      onCancel={(event) => {
        event.preventDefault();
        props.onCancel();
      }}
      onKeyDown={(event) => {
        // A modal dialog makes the page behind it inert, but Tab past its last button still leaves it
        // (for the browser's own UI, or nowhere): go round its buttons instead.
        if (event.key !== "Tab") return;
        const buttons = [...(ref.current?.querySelectorAll<HTMLButtonElement>("button:not(:disabled)") ?? [])];
        const first = buttons[0];
        const last = buttons[buttons.length - 1];
        if (!first || !last) return;
        if (event.shiftKey && document.activeElement === first) {
          event.preventDefault();
          last.focus();
        } else if (!event.shiftKey && document.activeElement === last) {
          event.preventDefault();
          first.focus();
        }
      }}
    >
      <h2 id="confirm-dialog-title">{props.title}</h2>
      <div class="confirm-body">{props.children}</div>
      <div class="button-row">
        <button type="button" onClick={props.onCancel} autofocus>
          Cancel
        </button>
        <button type="button" class="danger" disabled={props.busy} onClick={props.onConfirm}>
          {props.confirmLabel}
        </button>
      </div>
    </dialog>
  );
}
