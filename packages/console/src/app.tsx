import { useEffect, useRef, useState } from "preact/hooks";
import { Field } from "./components/field.js";
import { listApps, signOut } from "./api/admin.js";
import { getSession, onSessionChange, type AdminSession } from "./api/session.js";
import type { AdminApp } from "./api/types.js";
import { ErrorState, Loading } from "./components/states.js";
import { useLoad } from "./lib/async.js";
import { focusViewHeading, markPicked, takePicked, takeSignedIn } from "./lib/focus.js";
import { href, navigate, useRoute, type Route } from "./lib/router.js";
import { AppsView } from "./views/apps.js";
import { EventsView } from "./views/events.js";
import { PendingView } from "./views/pending.js";
import { SignIn } from "./views/sign-in.js";
import { UserPage } from "./views/user-page.js";
import { UsersView } from "./views/users.js";

/** The console: the sign-in form, or the signed-in shell around the current view. */
export function App() {
  const [session, setSession] = useState<AdminSession | null>(getSession());
  useEffect(() => onSessionChange(setSession), []);
  if (!session) return <SignIn />;
  return <Shell session={session} />;
}

const NAV: { view: "users" | "pending" | "events"; label: string }[] = [
  { view: "users", label: "Users" },
  { view: "pending", label: "Pending registrations" },
  { view: "events", label: "Events" },
];

function Shell({ session }: { session: AdminSession }) {
  const route = useRoute();
  const [apps, reloadApps] = useLoad((signal) => listApps(signal), [session.groupId]);
  const [signingOut, setSigningOut] = useState(false);
  const appList = apps.state === "done" ? apps.value : [];
  const appId = "appId" in route ? route.appId : appList[0]?._id;
  const current = appList.find((a) => a._id === appId || a.client_app_id === appId);

  useEffect(() => {
    document.title = `${titleOf(route, current)} · Gatehouse console`;
  }, [route, current]);

  // A new view takes focus on its heading (not on a fresh page load: the skip link comes first there).
  const routeKey = JSON.stringify(route);
  const firstRoute = useRef(true);
  const viewReady = route.view === "apps" || apps.state !== "loading";
  useEffect(() => {
    if (!viewReady) return;
    const follows = firstRoute.current ? takeSignedIn() : true;
    firstRoute.current = false;
    if (follows && !takePicked()) focusViewHeading();
  }, [routeKey, viewReady]);

  return (
    <div class="shell">
      <a
        class="skip-link"
        href="#main"
        onClick={(event) => {
          // The hash is the router's: "#main" would be read as a route. Move focus instead.
          event.preventDefault();
          document.querySelector<HTMLElement>("main")?.focus();
        }}
      >
        Skip to content
      </a>
      <header class="top-bar">
        <a class="brand" href="#/apps">
          Gatehouse
        </a>
        <nav aria-label="Main">
          <a href="#/apps" aria-current={route.view === "apps" ? "page" : undefined}>
            Apps
          </a>
          {appId
            ? NAV.map((item) => (
                <a
                  key={item.view}
                  href={href({ view: item.view, appId })}
                  aria-current={route.view === item.view || (item.view === "users" && route.view === "user") ? "page" : undefined}
                >
                  {item.label}
                </a>
              ))
            : null}
        </nav>
        {appList.length > 1 && appId ? (
          <Field label="App" id="field-app" className="app-picker">
            <select
              id="field-app"
              value={current?._id ?? appId}
              onChange={(e) => {
                const next = (e.currentTarget as HTMLSelectElement).value;
                const view = route.view === "apps" || route.view === "user" ? "users" : route.view;
                const target: Route = { view, appId: next };
                // Marked only for a real change: a flag left unread would keep focus off the next view.
                if (href(target) !== location.hash) markPicked();
                navigate(target);
              }}
            >
              {appList.map((a) => (
                <option key={a._id} value={a._id}>
                  {a.name} ({a.client_app_id})
                </option>
              ))}
            </select>
          </Field>
        ) : null}
        <span class="operator" title="Operator key">
          {session.username}
        </span>
        <button
          type="button"
          disabled={signingOut}
          onClick={() => {
            setSigningOut(true);
            void signOut().finally(() => setSigningOut(false));
          }}
        >
          Sign out
        </button>
      </header>
      <main id="main" tabIndex={-1}>
        {apps.state === "loading" && route.view !== "apps" ? <Loading what="apps" /> : null}
        {apps.state === "error" && route.view !== "apps" ? <ErrorState error={apps.error} what="apps" retry={reloadApps} /> : null}
        {route.view === "apps" ? (
          <AppsView apps={apps} reload={reloadApps} />
        ) : (
          <View route={route} app={current} appsLoaded={apps.state === "done"} />
        )}
      </main>
    </div>
  );
}

function View({ route, app, appsLoaded }: { route: Exclude<Route, { view: "apps" }>; app: AdminApp | undefined; appsLoaded: boolean }) {
  if (!appsLoaded) return null;
  if (!app) return <ErrorState error={new Error(`there is no app '${route.appId}' on this server`)} what="the app" />;
  switch (route.view) {
    case "users":
      return <UsersView app={app} />;
    case "user":
      return <UserPage app={app} userId={route.userId} />;
    case "pending":
      return <PendingView app={app} />;
    case "events":
      return <EventsView app={app} />;
  }
}

function titleOf(route: Route, app: AdminApp | undefined): string {
  const name = app ? ` · ${app.name}` : "";
  switch (route.view) {
    case "apps":
      return "Apps";
    case "users":
      return `Users${name}`;
    case "user":
      return `User ${route.userId}${name}`;
    case "pending":
      return `Pending registrations${name}`;
    case "events":
      return `Events${name}`;
  }
}
