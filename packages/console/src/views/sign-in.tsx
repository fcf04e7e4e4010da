import { useState } from "preact/hooks";
import { signIn } from "../api/admin.js";
import { AdminApiError } from "../api/http.js";
import { markSignedIn, takeSignedIn } from "../lib/focus.js";

/** Sign in with an operator key (`gatehouse admin-keys create` prints both parts). */
export function SignIn() {
  const [username, setUsername] = useState("");
  const [apiKey, setApiKey] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<AdminApiError | Error | null>(null);

  async function submit(event: Event) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      markSignedIn();
      await signIn(username.trim(), apiKey.trim());
    } catch (e) {
      takeSignedIn();
      setError(e as Error);
      setBusy(false);
    }
  }

  return (
    <main id="main" class="sign-in">
      <form class="card sign-in-card" onSubmit={submit} aria-labelledby="sign-in-title">
        <h1 id="sign-in-title">Gatehouse console</h1>
        <p class="hint">
          Sign in with an operator key. Create one with <code>gatehouse admin-keys create --db …</code>.
        </p>
        <label for="public-key">Public key</label>
        <input
          id="public-key"
          name="username"
          autocomplete="username"
          spellcheck={false}
          required
          value={username}
          onInput={(e) => setUsername((e.currentTarget as HTMLInputElement).value)}
        />
        <label for="private-key">Private key</label>
        <input
          id="private-key"
          name="apiKey"
          type="password"
          autocomplete="current-password"
          required
          value={apiKey}
          onInput={(e) => setApiKey((e.currentTarget as HTMLInputElement).value)}
        />
        {error ? (
          <p class="result result-error" role="alert">
            {error.message}
            {error instanceof AdminApiError ? <code class="error-code">{error.code}</code> : null}
          </p>
        ) : null}
        <button type="submit" class="primary" disabled={busy} aria-busy={busy}>
          Sign in
        </button>
      </form>
    </main>
  );
}
