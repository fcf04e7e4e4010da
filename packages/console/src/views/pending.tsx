import { useState } from "preact/hooks";
import { confirmPending, deletePending, listPending, PAGE_SIZE, resendConfirmation } from "../api/admin.js";
import type { AdminApp, PendingUser } from "../api/types.js";
import { ActionButton } from "../components/action-button.js";
import { ConfirmDialog } from "../components/confirm-dialog.js";
import { Empty, ErrorState, Loading, ResultBanner, runAction, type ActionResult } from "../components/states.js";
import { useLoad } from "../lib/async.js";
import { formatDate } from "../lib/format.js";

const emailOf = (pending: PendingUser) => pending.login_ids.find((l) => l.id_type === "email")?.id ?? pending.login_ids[0]?.id ?? "";

/** Email/password registrations waiting for confirmation: confirm, resend the mail, or delete. */
export function PendingView({ app }: { app: AdminApp }) {
  const [cursors, setCursors] = useState<string[]>([]);
  const after = cursors[cursors.length - 1];
  const [page, reload] = useLoad((signal) => listPending(app._id, after, signal), [app._id, after]);
  const [result, setResult] = useState<ActionResult | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [deleting, setDeleting] = useState<string | null>(null);

  // Confirm and delete remove the row, buttons and all: their result takes the focus instead.
  const [resultTakesFocus, setResultTakesFocus] = useState(false);

  async function act(email: string, action: () => Promise<unknown>, success: string, removesRow: boolean) {
    setBusy(email);
    const outcome = await runAction(action, success);
    setResultTakesFocus(removesRow);
    setResult(outcome);
    setBusy(null);
    reload();
  }

  return (
    <section aria-labelledby="pending-title">
      <h1 id="pending-title">Pending registrations</h1>
      <p class="hint">Email/password registrations that have not been confirmed yet.</p>
      <ResultBanner result={result} takeFocus={resultTakesFocus} />
      {page.state === "loading" ? <Loading what="pending registrations" /> : null}
      {page.state === "error" ? <ErrorState error={page.error} what="pending registrations" retry={reload} /> : null}
      {page.state === "done" && page.value.length === 0 ? <Empty>No registration is waiting for confirmation.</Empty> : null}
      {page.state === "done" && page.value.length > 0 ? (
        <div class="table-scroll">
          <table class="pending">
            <thead>
              <tr>
                <th scope="col">Email</th>
                <th scope="col">Registered</th>
                <th scope="col">Actions</th>
              </tr>
            </thead>
            <tbody>
              {page.value.map((pending) => {
                const email = emailOf(pending);
                return (
                  <tr key={pending._id}>
                    <th scope="row">{email}</th>
                    <td>{formatDate(pending.creation_date)}</td>
                    <td>
                      <div class="button-row">
                        <ActionButton
                          unavailable={busy === email}
                          onPress={() => void act(email, () => confirmPending(app._id, email), `${email} confirmed.`, true)}
                        >
                          Confirm
                        </ActionButton>
                        <ActionButton
                          unavailable={busy === email}
                          onPress={() =>
                            void act(email, () => resendConfirmation(app._id, email), `Confirmation mail sent again to ${email}.`, false)
                          }
                        >
                          Resend
                        </ActionButton>
                        <ActionButton class="danger" unavailable={busy === email} onPress={() => setDeleting(email)}>
                          Delete
                        </ActionButton>
                      </div>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      ) : null}
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
      <ConfirmDialog
        open={deleting !== null}
        title="Delete this registration?"
        confirmLabel="Delete registration"
        busy={busy !== null}
        onCancel={() => setDeleting(null)}
        onConfirm={() => {
          const email = deleting!;
          setDeleting(null);
          void act(email, () => deletePending(app._id, email), `Registration of ${email} deleted.`, true);
        }}
      >
        <p>
          The pending registration of <strong>{deleting}</strong> is deleted; they can register again.
        </p>
      </ConfirmDialog>
    </section>
  );
}
