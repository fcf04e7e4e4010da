import type { AdminApp, AuditEntry } from "../api/types.js";
import { formatDate } from "../lib/format.js";
import { href } from "../lib/router.js";

/** Audit events as a table, newest first (as the server sends them). */
export function EventsTable({ app, events, showUser = true }: { app: AdminApp; events: AuditEntry[]; showUser?: boolean }) {
  return (
    <div class="table-scroll">
      <table class="events">
        <thead>
          <tr>
            <th scope="col">Time</th>
            <th scope="col">Type</th>
            <th scope="col">Result</th>
            {showUser ? <th scope="col">User</th> : null}
            <th scope="col">Provider</th>
            <th scope="col">By</th>
            <th scope="col">IP</th>
          </tr>
        </thead>
        <tbody>
          {events.map((event) => (
            <tr key={event._id}>
              <td>
                <time>{formatDate(event.time)}</time>
              </td>
              <td>
                <code>{event.type}</code>
              </td>
              <td>
                <span class={event.result === "ok" ? "badge badge-enabled" : "badge badge-disabled"}>{event.result}</span>
              </td>
              {showUser ? (
                <td>
                  {event.user_id ? (
                    <a href={href({ view: "user", appId: app._id, userId: event.user_id })}>
                      <code>{event.user_id}</code>
                    </a>
                  ) : (
                    "—"
                  )}
                </td>
              ) : null}
              <td>{event.provider ?? "—"}</td>
              <td>{event.actor ?? event.detail ?? "—"}</td>
              <td>{event.ip ?? "—"}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
