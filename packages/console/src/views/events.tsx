import { useMemo, useState } from "preact/hooks";
import { ActionButton } from "../components/action-button.js";
import { Field } from "../components/field.js";
import { listLogs, LOG_PAGE_SIZE, logStats } from "../api/admin.js";
import type { AdminApp, LogQuery } from "../api/types.js";
import { bucketFor, chartSeries, EventCharts } from "../components/event-charts.js";
import { EventsTable } from "../components/events-table.js";
import { Empty, ErrorState, Loading } from "../components/states.js";
import { useDebounced, useLoad } from "../lib/async.js";
import { fromLocalInput, toLocalInput } from "../lib/format.js";

/** The audit-event types the server records (suggestions; any type can be typed). */
const EVENT_TYPES = [
  "user_created",
  "login",
  "link",
  "refresh",
  "logout",
  "logout_all",
  "register",
  "confirm",
  "confirm_send",
  "reset",
  "reset_send",
  "delete",
  "disable",
  "enable",
  "api_key_create",
  "api_key_delete",
  "registration_delete",
  "reset_email",
  "provider_enable",
  "provider_disable",
  "refresh_expiration_set",
  "admin_login",
  "admin_logout",
];
const RESULTS = ["ok", "InvalidPassword", "UserDisabled", "AccountNameInUse", "TooManyRequests", "InvalidSession"];
const RANGES: [string, number][] = [
  ["Last hour", 3600],
  ["Last 24 hours", 86_400],
  ["Last 7 days", 7 * 86_400],
  ["Last 30 days", 30 * 86_400],
];
interface Range {
  preset: string;
  from: string;
  to: string;
}

function resolveRange(range: Range, now: number): { start: number; end: number } {
  const preset = RANGES.find(([label]) => label === range.preset);
  if (preset) return { start: now - preset[1], end: now };
  return { start: fromLocalInput(range.from) ?? now - 86_400, end: fromLocalInput(range.to) ?? now };
}

/** The audit log with filters, and the charts of the selected range above it. */
export function EventsView({ app }: { app: AdminApp }) {
  const [type, setType] = useState("");
  const [result, setResult] = useState("");
  const [user, setUser] = useState("");
  const [range, setRange] = useState<Range>({ preset: "Last 24 hours", from: "", to: "" });
  const [refreshes, setRefreshes] = useState(0);
  const settled = useDebounced(JSON.stringify([type.trim(), result.trim(), user.trim()]), 300);
  const [fType, fResult, fUser] = JSON.parse(settled) as [string, string, string];
  // Preset ranges end "now", fixed when the filters change so that paging stays on one window.
  const { start, end } = useMemo(() => resolveRange(range, Math.floor(Date.now() / 1000)), [range, settled, refreshes]);
  const query: LogQuery = {
    ...(fType ? { type: fType } : {}),
    ...(fResult ? { result: fResult } : {}),
    ...(fUser ? { user_id: fUser } : {}),
    start_date: start,
    end_date: end,
  };
  const key = JSON.stringify(query);
  // Cursors belong to one query: a new query starts on its first page.
  const [paging, setPaging] = useState<{ key: string; cursors: string[] }>({ key, cursors: [] });
  const cursors = paging.key === key ? paging.cursors : [];
  const setCursors = (update: (c: string[]) => string[]) => setPaging({ key, cursors: update(cursors) });
  const after = cursors[cursors.length - 1];
  const [page, reload] = useLoad((signal) => listLogs(app._id, query, after, signal), [app._id, key, after]);
  // One aggregate request, counted by the server over the whole range (no paging through events).
  const [chartData] = useLoad(
    async (signal) =>
      chartSeries(
        await logStats(app._id, { ...(fUser ? { user_id: fUser } : {}), start_date: start, end_date: end }, bucketFor(start, end), signal),
      ),
    [app._id, fUser, start, end],
  );
  const now = Math.floor(Date.now() / 1000);

  return (
    <section aria-labelledby="events-title">
      <h1 id="events-title">Events</h1>
      <div class="toolbar" role="search" aria-label="Filter events">
        <Field label="Type" id="field-type">
          <input
            id="field-type"
            list="event-types"
            value={type}
            spellcheck={false}
            placeholder="any type"
            onInput={(e) => setType((e.currentTarget as HTMLInputElement).value)}
          />
        </Field>
        <datalist id="event-types">
          {EVENT_TYPES.map((t) => (
            <option key={t} value={t} />
          ))}
        </datalist>
        <Field label="Result" id="field-result">
          <input
            id="field-result"
            list="event-results"
            value={result}
            spellcheck={false}
            placeholder="any result"
            onInput={(e) => setResult((e.currentTarget as HTMLInputElement).value)}
          />
        </Field>
        <datalist id="event-results">
          {RESULTS.map((r) => (
            <option key={r} value={r} />
          ))}
        </datalist>
        <Field label="User id" id="field-user-id">
          <input
            id="field-user-id"
            value={user}
            spellcheck={false}
            placeholder="any user"
            onInput={(e) => setUser((e.currentTarget as HTMLInputElement).value)}
          />
        </Field>
        <Field label="Time range" id="field-time-range">
          <select
            id="field-time-range"
            value={range.preset}
            onChange={(e) => {
              const preset = (e.currentTarget as HTMLSelectElement).value;
              const current = resolveRange(range, now);
              setRange({ preset, from: range.from || toLocalInput(current.start), to: range.to || toLocalInput(current.end) });
            }}
          >
            {RANGES.map(([label]) => (
              <option key={label}>{label}</option>
            ))}
            <option value="custom">Custom range</option>
          </select>
        </Field>
        {range.preset === "custom" ? (
          <>
            <Field label="From" id="field-from">
              <input
                id="field-from"
                type="datetime-local"
                value={range.from}
                onChange={(e) => setRange({ ...range, from: (e.currentTarget as HTMLInputElement).value })}
              />
            </Field>
            <Field label="To" id="field-to">
              <input
                id="field-to"
                type="datetime-local"
                value={range.to}
                onChange={(e) => setRange({ ...range, to: (e.currentTarget as HTMLInputElement).value })}
              />
            </Field>
          </>
        ) : null}
        <button type="button" onClick={() => setRefreshes((n) => n + 1)}>
          Refresh
        </button>
      </div>
      {chartData.state === "loading" ? <Loading what="charts" /> : null}
      {chartData.state === "error" ? (
        <ErrorState error={chartData.error} what="the charts" retry={() => setRefreshes((n) => n + 1)} />
      ) : null}
      {chartData.state === "done" ? <EventCharts series={chartData.value} /> : null}
      <h2>Audit log</h2>
      {page.state === "loading" ? <Loading what="events" /> : null}
      {page.state === "error" ? <ErrorState error={page.error} what="events" retry={reload} /> : null}
      {page.state === "done" && page.value.length === 0 ? <Empty>No event matches.</Empty> : null}
      {page.state === "done" && page.value.length > 0 ? <EventsTable app={app} events={page.value} /> : null}
      <div class="pager">
        <ActionButton unavailable={cursors.length === 0} onPress={() => setCursors((c) => c.slice(0, -1))}>
          Newer
        </ActionButton>
        <ActionButton
          unavailable={page.state !== "done" || page.value.length < LOG_PAGE_SIZE}
          onPress={() => page.state === "done" && setCursors((c) => [...c, page.value[page.value.length - 1]!._id])}
        >
          Next page
        </ActionButton>
      </div>
    </section>
  );
}
