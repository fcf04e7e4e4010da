import { useState } from "preact/hooks";
import { deleteUser, getDevices, getUser, listLogs, logoutUser, setUserDisabled } from "../api/admin.js";
import type { AdminApp, AdminUser, Device } from "../api/types.js";
import { ActionButton } from "../components/action-button.js";
import { ConfirmDialog } from "../components/confirm-dialog.js";
import { Empty, ErrorState, Loading, ResultBanner, runAction, type ActionResult } from "../components/states.js";
import { EventsTable } from "../components/events-table.js";
import { useLoad } from "../lib/async.js";
import { formatAgo, formatDate, userEmail } from "../lib/format.js";
import { setFlash } from "../lib/flash.js";
import { href, navigate } from "../lib/router.js";

/** How many of the user's latest audit events the page shows. */
const RECENT_EVENTS = 20;

/** One user: identities, devices, sessions, custom data, API keys, recent events, and the actions. */
export function UserPage({ app, userId }: { app: AdminApp; userId: string }) {
  const [user, reloadUser] = useLoad((signal) => getUser(app._id, userId, signal), [app._id, userId]);
  const [result, setResult] = useState<ActionResult | null>(null);
  const [busy, setBusy] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const [eventsGeneration, setEventsGeneration] = useState(0);

  async function act(action: () => Promise<unknown>, success: string) {
    setBusy(true);
    setResult(await runAction(action, success));
    setBusy(false);
    reloadUser();
    setEventsGeneration((n) => n + 1);
  }

  async function remove() {
    setBusy(true);
    const outcome = await runAction(() => deleteUser(app._id, userId), "User deleted.");
    setBusy(false);
    setConfirming(false);
    if (outcome.ok) {
      setFlash({ ok: true, message: `User ${label} deleted.` });
      navigate({ view: "users", appId: app._id });
    } else setResult(outcome);
  }

  const label = user.state === "done" ? (userEmail(user.value) ?? user.value._id) : userId;
  return (
    <section aria-labelledby="user-title">
      <p class="breadcrumb">
        <a href={href({ view: "users", appId: app._id })}>Users</a> / <span>{label}</span>
      </p>
      <h1 id="user-title">{label}</h1>
      {user.state === "loading" ? <Loading what="the user" /> : null}
      {user.state === "error" ? <ErrorState error={user.error} what="the user" retry={reloadUser} /> : null}
      {user.state === "done" ? (
        <>
          <div class="button-row actions">
            {user.value.disabled ? (
              <ActionButton unavailable={busy} onPress={() => void act(() => setUserDisabled(app._id, userId, false), "User enabled.")}>
                Enable
              </ActionButton>
            ) : (
              <ActionButton
                unavailable={busy}
                onPress={() =>
                  void act(() => setUserDisabled(app._id, userId, true), "User disabled: every session ended, access tokens refused.")
                }
              >
                Disable
              </ActionButton>
            )}
            <ActionButton
              unavailable={busy}
              onPress={() => void act(() => logoutUser(app._id, userId), "User logged out everywhere: every session ended.")}
            >
              Log out everywhere
            </ActionButton>
            <ActionButton class="danger" unavailable={busy} onPress={() => setConfirming(true)}>
              Delete
            </ActionButton>
          </div>
          <ResultBanner result={result} />
          <UserDetails app={app} user={user.value} />
          <h2>Recent events</h2>
          <RecentEvents app={app} userId={userId} generation={eventsGeneration} />
          <ConfirmDialog
            open={confirming}
            title="Delete this user?"
            confirmLabel="Delete user"
            busy={busy}
            onConfirm={() => void remove()}
            onCancel={() => setConfirming(false)}
          >
            <p>
              <strong>{label}</strong> and their identities, sessions, API keys and devices are deleted. This cannot be undone.
            </p>
          </ConfirmDialog>
        </>
      ) : null}
    </section>
  );
}

function UserDetails({ app, user }: { app: AdminApp; user: AdminUser }) {
  const [devices] = useLoad((signal) => getDevices(app._id, user._id, signal), [app._id, user._id, user.sessions_valid_since]);
  return (
    <div class="detail-grid">
      <article class="card" aria-labelledby="summary-title">
        <h2 id="summary-title">Summary</h2>
        <dl class="facts">
          <dt>Id</dt>
          <dd>
            <code>{user._id}</code>
          </dd>
          <dt>State</dt>
          <dd>
            <span class={user.disabled ? "badge badge-disabled" : "badge badge-enabled"}>{user.disabled ? "disabled" : "enabled"}</span>
          </dd>
          <dt>Type</dt>
          <dd>{user.type}</dd>
          <dt>Created</dt>
          <dd>{formatDate(user.creation_date)}</dd>
          <dt>Last login</dt>
          <dd>
            {formatDate(user.last_authentication_date)} ({formatAgo(user.last_authentication_date)})
          </dd>
          <dt>Active sessions</dt>
          <dd>{typeof user.active_sessions === "number" ? user.active_sessions : <span class="muted">not reported by the server</span>}</dd>
          <dt>Sessions valid since</dt>
          <dd>{formatDate(user.sessions_valid_since)}</dd>
        </dl>
      </article>
      <article class="card" aria-labelledby="identities-title">
        <h2 id="identities-title">Identities</h2>
        {user.identities.length === 0 ? <Empty>No identity.</Empty> : null}
        <ul class="plain-list">
          {user.identities.map((identity) => (
            <li key={`${identity.provider_type}:${identity.id}`}>
              <code>{identity.provider_type}</code> {identity.provider_data?.["email"] ? String(identity.provider_data["email"]) : null}
              <div class="muted small">
                <code>{identity.id}</code>
              </div>
            </li>
          ))}
        </ul>
      </article>
      <article class="card" aria-labelledby="devices-title">
        <h2 id="devices-title">Devices</h2>
        {devices.state === "loading" ? <Loading what="devices" /> : null}
        {devices.state === "error" ? <ErrorState error={devices.error} what="devices" /> : null}
        {devices.state === "done" && devices.value.length === 0 ? <Empty>No device.</Empty> : null}
        {devices.state === "done" && devices.value.length > 0 ? (
          <ul class="plain-list">
            {devices.value.map((device, i) => (
              <li key={device._id ?? i}>
                <DeviceLine device={device} />
              </li>
            ))}
          </ul>
        ) : null}
      </article>
      <article class="card" aria-labelledby="api-keys-title">
        <h2 id="api-keys-title">API keys</h2>
        {user.api_keys === undefined ? <p class="muted">Not reported by the server.</p> : null}
        {user.api_keys && user.api_keys.length === 0 ? <Empty>No API key.</Empty> : null}
        {user.api_keys && user.api_keys.length > 0 ? (
          <ul class="plain-list">
            {user.api_keys.map((key) => (
              <li key={key._id}>
                {key.name}{" "}
                <span class={key.disabled ? "badge badge-disabled" : "badge badge-enabled"}>{key.disabled ? "disabled" : "enabled"}</span>
              </li>
            ))}
          </ul>
        ) : null}
      </article>
      <article class="card wide" aria-labelledby="custom-data-title">
        <h2 id="custom-data-title">Custom user data</h2>
        {user.custom_data === undefined ? <p class="muted">Not reported by the server.</p> : null}
        {user.custom_data === null ? <Empty>No custom user data document.</Empty> : null}
        {user.custom_data ? <pre class="json">{JSON.stringify(user.custom_data, null, 2)}</pre> : null}
      </article>
    </div>
  );
}

function RecentEvents({ app, userId, generation }: { app: AdminApp; userId: string; generation: number }) {
  const [events, reload] = useLoad(
    async (signal) => (await listLogs(app._id, { user_id: userId }, undefined, signal)).slice(0, RECENT_EVENTS),
    [app._id, userId, generation],
  );
  if (events.state === "loading") return <Loading what="events" />;
  if (events.state === "error") return <ErrorState error={events.error} what="events" retry={reload} />;
  if (events.value.length === 0) return <Empty>No event for this user.</Empty>;
  return <EventsTable app={app} events={events.value} showUser={false} />;
}

/** A device: what its SDK said about it (platform, app, SDK), when it was first and last seen. */
function DeviceLine({ device }: { device: Device }) {
  const info = device.info ?? {};
  const text = (key: string) => (typeof info[key] === "string" && info[key] ? String(info[key]) : undefined);
  const what = [text("platform"), text("platformVersion"), text("appId"), text("appVersion")].filter(Boolean).join(" · ");
  return (
    <>
      <span>{what || "unknown device"}</span>
      {text("sdkVersion") ? <span class="muted small"> SDK {text("sdkVersion")}</span> : null}
      <div class="muted small">
        <code>{device._id}</code> · first seen {formatDate(device.creation_date)} · last seen {formatAgo(device.last_seen_date)}
      </div>
    </>
  );
}
