import { useEffect, useState } from "preact/hooks";

/**
 * Hash routes (`#/apps/<appId>/users/<userId>`): the server serves only the files of the build, so
 * every view lives behind `/console/` and a reload lands on the same view.
 */

/** A parsed route. */
export type Route =
  | { view: "apps" }
  | { view: "users"; appId: string }
  | { view: "user"; appId: string; userId: string }
  | { view: "pending"; appId: string }
  | { view: "events"; appId: string };

/** Parses `location.hash`; anything unknown is the apps list. */
export function parseRoute(hash: string): Route {
  const parts = hash.replace(/^#\/?/, "").split("/").filter(Boolean).map(decodeURIComponent);
  if (parts[0] === "apps" && parts[1]) {
    const appId = parts[1];
    if (parts[2] === "users" && parts[3]) return { view: "user", appId, userId: parts[3] };
    if (parts[2] === "pending") return { view: "pending", appId };
    if (parts[2] === "events") return { view: "events", appId };
    return { view: "users", appId };
  }
  return { view: "apps" };
}

/** The hash of a route (for links). */
export function href(route: Route): string {
  const enc = encodeURIComponent;
  switch (route.view) {
    case "apps":
      return "#/apps";
    case "users":
      return `#/apps/${enc(route.appId)}/users`;
    case "user":
      return `#/apps/${enc(route.appId)}/users/${enc(route.userId)}`;
    case "pending":
      return `#/apps/${enc(route.appId)}/pending`;
    case "events":
      return `#/apps/${enc(route.appId)}/events`;
  }
}

/** Goes to a route. */
export function navigate(route: Route): void {
  location.hash = href(route);
}

/** The current route, following hash changes. */
export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(location.hash));
  useEffect(() => {
    const update = () => setRoute(parseRoute(location.hash));
    window.addEventListener("hashchange", update);
    return () => window.removeEventListener("hashchange", update);
  }, []);
  return route;
}
