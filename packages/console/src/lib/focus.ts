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

/** A flag set by one event and read once by the view that follows it. */
function oneShot(): { mark: () => void; take: () => boolean } {
  let set = false;
  return {
    mark: () => {
      set = true;
    },
    take: () => {
      const was = set;
      set = false;
      return was;
    },
  };
}

const signedIn = oneShot();
/** The sign-in form is about to disappear: the first view should take focus. */
export const markSignedIn = signedIn.mark;
/** Whether the view appearing now follows a sign-in (asked once). */
export const takeSignedIn = signedIn.take;

const picked = oneShot();
/**
 * The app picker is about to change the route: its arrow keys change the app, so the next press must still
 * reach it, and the view that follows must not take focus.
 */
export const markPicked = picked.mark;
/**
 * Whether the route change now came from the app picker (asked once). A flag set by the picker rather than
 * where focus is when the view renders: under load the view may render after the user has tabbed on, and
 * focus would then be pulled back from wherever they went.
 */
export const takePicked = picked.take;
