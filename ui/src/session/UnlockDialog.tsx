import { createSignal } from "solid-js";
import { ErrorNote } from "../ui/ErrorNote";
import { createAction } from "../ui/action";

/** Asks for the passphrase that opens the saved sign-in when no OS keychain holds its key. */
export function UnlockDialog(props: { unlock: (passphrase: string) => Promise<unknown> }) {
  const [passphrase, setPassphrase] = createSignal("");
  const unlock = createAction(props.unlock);
  const submit = async (e: SubmitEvent) => {
    e.preventDefault();
    if (!passphrase()) return;
    await unlock.run(passphrase());
    setPassphrase(""); // never keep it around longer than the call
  };
  return (
    <div class="overlay">
      <form class="dialog" role="dialog" aria-modal="true" aria-labelledby="unlock-title" onSubmit={submit}>
        <h2 id="unlock-title">Unlock your saved sign-in</h2>
        <p class="muted">Your sign-in is saved encrypted on this computer. Enter the passphrase you chose for it.</p>
        <input
          type="password"
          autocomplete="current-password"
          placeholder="Passphrase"
          aria-label="Passphrase"
          data-testid="passphrase"
          value={passphrase()}
          onInput={(e) => setPassphrase(e.currentTarget.value)}
          disabled={unlock.pending()}
          autofocus
        />
        <ErrorNote error={unlock.error()} testId="unlock-error" />
        <div class="actions">
          <button type="submit" class="primary" disabled={unlock.pending() || !passphrase()}>
            {unlock.pending() ? "Unlocking…" : "Unlock"}
          </button>
        </div>
      </form>
    </div>
  );
}
