import { useEffect, useRef, useState } from "preact/hooks";

/** Where a load stands: what every view renders its loading, error and empty states from. */
export type Loaded<T> = { state: "loading" } | { state: "error"; error: Error } | { state: "done"; value: T };

/**
 * Runs `load` whenever `deps` change, aborting the previous run, so a slow answer to an old query
 * never replaces the answer to the current one. `reload` runs it again with the same deps.
 */
export function useLoad<T>(load: (signal: AbortSignal) => Promise<T>, deps: unknown[]): [Loaded<T>, () => void] {
  const [result, setResult] = useState<Loaded<T>>({ state: "loading" });
  const [generation, setGeneration] = useState(0);
  const lastDeps = useRef<unknown[] | null>(null);
  useEffect(() => {
    const controller = new AbortController();
    // A reload (same deps) keeps the last answer on screen until the new one is in: the control that
    // asked for it — a switch, a button — stays where it is, and keyboard focus with it.
    const sameDeps =
      lastDeps.current !== null && lastDeps.current.length === deps.length && deps.every((d, i) => Object.is(d, lastDeps.current![i]));
    lastDeps.current = deps;
    setResult((previous) => (sameDeps && previous.state === "done" ? previous : { state: "loading" }));
    load(controller.signal).then(
      (value) => {
        if (!controller.signal.aborted) setResult({ state: "done", value });
      },
      (error: Error) => {
        if (!controller.signal.aborted) setResult({ state: "error", error });
      },
    );
    return () => controller.abort();
    // The caller names the deps, as with useEffect.
  }, [...deps, generation]);
  return [result, () => setGeneration((n) => n + 1)];
}

/** `value`, once it has stopped changing for `ms` (the search box waits for the typing to pause). */
export function useDebounced<T>(value: T, ms: number): T {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setSettled(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return settled;
}
