/**
 * Where keyboard focus goes when the page under it changes. A view swapped in by the router, or a
 * control removed by the action it ran, would otherwise leave focus on `<body>`: a keyboard user would
 * start again from the top of the page, and a screen reader would say nothing.
 */

/** Focuses the current view's heading (made focusable by script, not by Tab), or `<main>`. */
export function focusViewHeading(): void {
  const heading = document.querySelector<HTMLElement>("main h1");
  if (heading) {
    heading.tabIndex = -1;
    heading.focus();
  } else document.querySelector<HTMLElement>("main")?.focus();
}

let signedInJustNow = false;

/** The sign-in form is about to disappear: the first view should take focus. */
export function markSignedIn(): void {
  signedInJustNow = true;
}

/** Whether the view appearing now follows a sign-in (asked once). */
export function takeSignedIn(): boolean {
  const was = signedInJustNow;
  signedInJustNow = false;
  return was;
}

let pickedJustNow = false;

/**
 * The app picker is about to change the route: its arrow keys change the app, so the next press must still
 * reach it, and the view that follows must not take focus.
 */
export function markPicked(): void {
  pickedJustNow = true;
}

/**
 * Whether the route change now came from the app picker (asked once). A flag set by the picker rather than
 * where focus is when the view renders: under load the view may render after the user has tabbed on, and
 * focus would then be pulled back from wherever they went.
 */
export function takePicked(): boolean {
  const was = pickedJustNow;
  pickedJustNow = false;
  return was;
}
