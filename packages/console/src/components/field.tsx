import type { ComponentChildren } from "preact";

/**
 * A labelled form control. The label names the control through `for`, not by wrapping it, so the
 * control's accessible name is the label alone (a wrapping label would add a select's current option).
 */
export function Field({ label, id, className, children }: { label: string; id: string; className?: string; children: ComponentChildren }) {
  return (
    <div class={className ? `field ${className}` : "field"}>
      <label for={id}>{label}</label>
      {children}
    </div>
  );
}
