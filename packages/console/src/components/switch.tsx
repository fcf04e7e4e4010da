/**
 * An on/off switch: a real checkbox (keyboard and screen readers know it) drawn as a switch. While its
 * change is on its way (`busy`) it stays focusable but ignores presses: `disabled` would drop focus.
 */
export function Switch(props: {
  label: string;
  checked: boolean;
  disabled?: boolean;
  busy?: boolean;
  onChange: (checked: boolean) => void;
}) {
  return (
    <label class="switch">
      <input
        type="checkbox"
        role="switch"
        checked={props.checked}
        disabled={props.disabled}
        aria-disabled={props.busy ? "true" : undefined}
        aria-label={props.label}
        onChange={(event) => {
          const input = event.currentTarget as HTMLInputElement;
          if (props.busy) input.checked = props.checked;
          else props.onChange(input.checked);
        }}
      />
      <span class="switch-track" aria-hidden="true" />
    </label>
  );
}
