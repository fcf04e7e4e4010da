import { useMemo, useRef, useState } from "preact/hooks";
import { ActionButton } from "../components/action-button.js";
import { Field } from "../components/field.js";
import { listProviders, PAGE_SIZE, searchUsers } from "../api/admin.js";
import type { AdminApp, AdminUser, UserQuery } from "../api/types.js";
import { Empty, ErrorState, Loading, ResultBanner } from "../components/states.js";
import { useDebounced, useLoad } from "../lib/async.js";
import { takeFlash } from "../lib/flash.js";
import { formatAgo, formatDate, fromLocalInput, userEmail, userProviders } from "../lib/format.js";
import { href } from "../lib/router.js";

/** Typing pauses this long before the search runs: one request per burst of keys. */
const DEBOUNCE_MS = 250;
/** Provider types offered when the app's provider list cannot be read. */
const FALLBACK_PROVIDERS = ["anon-user", "local-userpass", "api-key", "custom-function", "custom-token"];

/**
 * What the search box means: an id prefix when it is hexadecimal and long enough to be one (ids are
 * 24 hex digits), else an email prefix.
 */
export function searchTerm(text: string): Pick<UserQuery, "email" | "id"> {
  const term = text.trim();
  if (!term) return {};
  return /^[0-9a-f]{8,24}$/i.test(term) ? { id: term.toLowerCase() } : { email: term };
}

interface Filters {
  provider: string;
  state: "" | "active" | "disabled";
  createdFrom: string;
  createdTo: string;
}

/** The users of one app: search, filters, keyset pages. */
export function UsersView({ app }: { app: AdminApp }) {
  const [text, setText] = useState("");
  const [filters, setFilters] = useState<Filters>({ provider: "", state: "", createdFrom: "", createdTo: "" });
  const [cursors, setCursors] = useState<string[]>([]);
  const [flash] = useState(takeFlash);
  const term = useDebounced(text, DEBOUNCE_MS);
  const query = useMemo<UserQuery>(() => {
    const q: UserQuery = { ...searchTerm(term) };
    if (filters.provider) q.provider = filters.provider;
    if (filters.state) q.disabled = filters.state === "disabled";
    const after = fromLocalInput(filters.createdFrom);
    const before = fromLocalInput(filters.createdTo);
    if (after !== undefined) q.created_after = after;
    if (before !== undefined) q.created_before = before;
    return q;
  }, [term, filters]);
  const queryKey = JSON.stringify(query);
  const after = cursors[cursors.length - 1];
  const tookMs = useRef(0);
  const [page, reload] = useLoad(
    async (signal) => {
      const started = performance.now();
      const users = await searchUsers(app._id, query, after, signal);
      tookMs.current = Math.round(performance.now() - started);
      return users;
    },
    [app._id, queryKey, after],
  );
  // While the next answer is on its way the last one stays on screen (dimmed), so typing does not flicker.
  const shown = useRef<AdminUser[] | null>(null);
  if (page.state === "done") shown.current = page.value;
  if (page.state === "error") shown.current = null;
  const rows = page.state === "loading" ? shown.current : page.state === "done" ? page.value : null;
  const [providers] = useLoad((signal) => listProviders(app._id, signal), [app._id]);
  const providerTypes =
    providers.state === "done"
      ? [...new Set(providers.value.map((p) => p.type))].sort()
      : providers.state === "error"
        ? FALLBACK_PROVIDERS
        : [];

  const setFilter = <K extends keyof Filters>(key: K, value: Filters[K]) => {
    setFilters((f) => ({ ...f, [key]: value }));
    setCursors([]);
  };
  const searching = searchTerm(term);

  return (
    <section aria-labelledby="users-title">
      <h1 id="users-title">Users</h1>
      <ResultBanner result={flash} />
      <div class="toolbar" role="search">
        <Field label="Search users" id="field-search-users" className="search">
          <input
            id="field-search-users"
            type="search"
            placeholder="email or id prefix"
            spellcheck={false}
            autocomplete="off"
            value={text}
            onInput={(e) => {
              setText((e.currentTarget as HTMLInputElement).value);
              setCursors([]);
            }}
          />
        </Field>
        <Field label="Provider" id="field-provider">
          <select
            id="field-provider"
            value={filters.provider}
            onChange={(e) => setFilter("provider", (e.currentTarget as HTMLSelectElement).value)}
          >
            <option value="">Any provider</option>
            {providerTypes.map((type) => (
              <option key={type} value={type}>
                {type}
              </option>
            ))}
          </select>
        </Field>
        <Field label="State" id="field-state">
          <select
            id="field-state"
            value={filters.state}
            onChange={(e) => setFilter("state", (e.currentTarget as HTMLSelectElement).value as Filters["state"])}
          >
            <option value="">Any state</option>
            <option value="active">Enabled</option>
            <option value="disabled">Disabled</option>
          </select>
        </Field>
        <Field label="Created after" id="field-created-after">
          <input
            id="field-created-after"
            type="datetime-local"
            value={filters.createdFrom}
            onChange={(e) => setFilter("createdFrom", (e.currentTarget as HTMLInputElement).value)}
          />
        </Field>
        <Field label="Created before" id="field-created-before">
          <input
            id="field-created-before"
            type="datetime-local"
            value={filters.createdTo}
            onChange={(e) => setFilter("createdTo", (e.currentTarget as HTMLInputElement).value)}
          />
        </Field>
      </div>
      <p class="hint" aria-live="polite">
        {searching.id
          ? `Users whose id starts with ${searching.id}`
          : searching.email
            ? `Users whose email starts with ${searching.email}`
            : "All users"}
        {page.state === "done" ? ` · page ${cursors.length + 1} · ${page.value.length} shown · ${tookMs.current} ms` : ""}
      </p>
      {page.state === "loading" && !shown.current ? <Loading what="users" /> : null}
      {page.state === "error" ? <ErrorState error={page.error} what="users" retry={reload} /> : null}
      {page.state === "done" && page.value.length === 0 ? (
        <Empty>{cursors.length > 0 ? "No more users." : "No user matches."}</Empty>
      ) : null}
      {rows && rows.length > 0 ? <UsersTable app={app} users={rows} busy={page.state === "loading"} /> : null}
      <div class="pager">
        <ActionButton unavailable={cursors.length === 0} onPress={() => setCursors((c) => c.slice(0, -1))}>
          Previous page
        </ActionButton>
        <ActionButton
          unavailable={page.state !== "done" || page.value.length < PAGE_SIZE}
          onPress={() => page.state === "done" && setCursors((c) => [...c, page.value[page.value.length - 1]!._id])}
        >
          Next page
        </ActionButton>
      </div>
    </section>
  );
}

function UsersTable({ app, users, busy }: { app: AdminApp; users: AdminUser[]; busy: boolean }) {
  return (
    <div class={busy ? "table-scroll busy" : "table-scroll"} aria-busy={busy}>
      <table class="users">
        <caption class="visually-hidden">Users of {app.name}</caption>
        <thead>
          <tr>
            <th scope="col">Email or id</th>
            <th scope="col">Providers</th>
            <th scope="col">Created</th>
            <th scope="col">Last login</th>
            <th scope="col">State</th>
          </tr>
        </thead>
        <tbody>
          {users.map((user) => (
            <tr key={user._id}>
              <th scope="row">
                <a href={href({ view: "user", appId: app._id, userId: user._id })}>{userEmail(user) ?? <code>{user._id}</code>}</a>
              </th>
              <td>{userProviders(user).join(", ") || "—"}</td>
              <td>
                <time title={formatDate(user.creation_date)}>{formatDate(user.creation_date)}</time>
              </td>
              <td>
                <time title={formatDate(user.last_authentication_date)}>{formatAgo(user.last_authentication_date)}</time>
              </td>
              <td>
                <span class={user.disabled ? "badge badge-disabled" : "badge badge-enabled"}>{user.disabled ? "disabled" : "enabled"}</span>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
