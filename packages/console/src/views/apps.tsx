import { useEffect, useState } from "preact/hooks";
import { listProviders, setProviderEnabled } from "../api/admin.js";
import type { AdminApp, AuthProviderEntry } from "../api/types.js";
import { Switch } from "../components/switch.js";
import { Empty, ErrorState, Loading, ResultBanner, runAction, type ActionResult } from "../components/states.js";
import { useLoad, type Loaded } from "../lib/async.js";
import { href } from "../lib/router.js";

/** Every app the server serves, with its providers and a run-time switch for each. */
export function AppsView({ apps, reload }: { apps: Loaded<AdminApp[]>; reload: () => void }) {
  return (
    <section aria-labelledby="apps-title">
      <h1 id="apps-title">Apps</h1>
      {apps.state === "loading" ? <Loading what="apps" /> : null}
      {apps.state === "error" ? <ErrorState error={apps.error} what="apps" retry={reload} /> : null}
      {apps.state === "done" && apps.value.length === 0 ? <Empty>This server serves no app.</Empty> : null}
      {apps.state === "done" ? (
        <div class="app-grid">
          {apps.value.map((app) => (
            <AppCard key={app._id} app={app} />
          ))}
        </div>
      ) : null}
    </section>
  );
}

function AppCard({ app }: { app: AdminApp }) {
  const [providers, reload] = useLoad((signal) => listProviders(app._id, signal), [app._id]);
  const [result, setResult] = useState<ActionResult | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  // The state this card asked a provider to take, shown from the press until the reloaded list arrives.
  // Shown from the old list instead, the switch would flip back while the change travels, and a second
  // press before the reload landed would repeat the first change instead of undoing it.
  const [asked, setAsked] = useState<Record<string, boolean>>({});
  useEffect(() => setAsked({}), [providers]);

  async function toggle(provider: AuthProviderEntry, enabled: boolean) {
    setBusy(provider._id);
    setAsked((a) => ({ ...a, [provider._id]: enabled }));
    const verb = enabled ? "enabled" : "disabled";
    const outcome = await runAction(() => setProviderEnabled(app._id, provider._id, enabled), `${provider.name} ${verb}.`);
    if (!outcome.ok) setAsked(({ [provider._id]: _, ...others }) => others);
    setResult(outcome);
    setBusy(null);
    reload();
  }

  return (
    <article class="card app-card" aria-labelledby={`app-${app._id}`}>
      <header class="card-header">
        <h2 id={`app-${app._id}`}>{app.name}</h2>
        <a href={href({ view: "users", appId: app._id })}>Users</a>
      </header>
      <dl class="facts">
        <dt>Client app id</dt>
        <dd>
          <code>{app.client_app_id}</code>
        </dd>
        <dt>App id</dt>
        <dd>
          <code>{app._id}</code>
        </dd>
        <dt>Users</dt>
        <dd>
          {typeof app.user_count === "number" ? app.user_count.toLocaleString() : <span class="muted">not reported by the server</span>}
        </dd>
      </dl>
      <h3>Providers</h3>
      {providers.state === "loading" ? <Loading what="providers" /> : null}
      {providers.state === "error" ? <ErrorState error={providers.error} what="providers" retry={reload} /> : null}
      {providers.state === "done" && providers.value.length === 0 ? <Empty>No provider is configured.</Empty> : null}
      {providers.state === "done" && providers.value.length > 0 ? (
        <table class="providers">
          <thead>
            <tr>
              <th scope="col">Provider</th>
              <th scope="col">Type</th>
              <th scope="col">State</th>
              <th scope="col">Enabled</th>
            </tr>
          </thead>
          <tbody>
            {providers.value.map((p) => {
              const supported = p.supported !== false;
              const on = supported && (asked[p._id] ?? !p.disabled);
              const state = !supported ? "not supported" : on ? "enabled" : "disabled";
              return (
                <tr key={p._id}>
                  <th scope="row">{p.name}</th>
                  <td>
                    <code>{p.type}</code>
                  </td>
                  <td>
                    <span class={`badge badge-${state.replace(" ", "-")}`}>{state}</span>
                  </td>
                  <td>
                    <Switch
                      label={`${p.name} enabled`}
                      checked={on}
                      disabled={!supported}
                      busy={busy === p._id}
                      onChange={(checked) => void toggle(p, checked)}
                    />
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      ) : null}
      <ResultBanner result={result} />
    </article>
  );
}
