import type { ComponentChildren } from "preact";

/**
 * A button that keeps keyboard focus while it cannot act — its request is on its way, or there is no
 * next page. A `disabled` button loses focus the moment it is disabled (Chromium moves it to `<body>`),
 * so a keyboard user who pressed it would start again from the top of the page; `aria-disabled` says
 * the same to screen readers and leaves focus where it was.
 */
export function ActionButton(props: { unavailable?: boolean; onPress: () => void; class?: string; children: ComponentChildren }) {
  return (
    <button
      type="button"
      class={props.class}
      aria-disabled={props.unavailable ? "true" : undefined}
      onClick={() => {
        if (!props.unavailable) props.onPress();
      }}
    >
      {props.children}
    </button>
  );
}
