import { Show, createSignal } from "solid-js";
import { ErrorNote } from "../ui/ErrorNote";
import { createAction } from "../ui/action";

/**
 * With no OS keychain the saved sign-in is sealed with a passphrase. "unlock":
 * one is saved, type its passphrase. "create": nothing is saved yet, choose a
 * passphrase (typed twice) or keep sign-ins in memory only.
 */
export function UnlockDialog(props: {
  mode: "unlock" | "create";
  unlock: (passphrase: string) => Promise<unknown>;
  keepInMemory: () => Promise<unknown>;
}) {
  const [passphrase, setPassphrase] = createSignal("");
  const [repeat, setRepeat] = createSignal("");
  const unlock = createAction(props.unlock);
  const skip = createAction(props.keepInMemory);
  const creating = () => props.mode === "create";
  const mismatch = () => creating() && repeat() !== "" && repeat() !== passphrase();
  const ready = () => passphrase() !== "" && (!creating() || repeat() === passphrase());
  const busy = () => unlock.pending() || skip.pending();
  const submit = async (e: SubmitEvent) => {
    e.preventDefault();
    if (!ready()) return;
    await unlock.run(passphrase());
    // Never keep it around longer than the call.
    setPassphrase("");
    setRepeat("");
  };
  return (
    <div class="overlay">
      <form class="dialog" role="dialog" aria-modal="true" aria-labelledby="unlock-title" onSubmit={submit}>
        <Show
          when={creating()}
          fallback={
            <>
              <h2 id="unlock-title">Unlock your saved sign-in</h2>
              <p class="muted">Your sign-in is saved encrypted on this computer. Enter the passphrase you chose for it.</p>
            </>
          }
        >
          <h2 id="unlock-title">Keep your sign-in on this computer?</h2>
          <p class="muted">
            No system keychain was found. Choose a passphrase of at least 12 characters (a few words) to keep your
            sign-in encrypted here; you will type it when Aries Desk starts. Or continue without saving, and sign in
            each time.
          </p>
        </Show>
        <input
          type="password"
          autocomplete={creating() ? "new-password" : "current-password"}
          placeholder="Passphrase"
          aria-label="Passphrase"
          data-testid="passphrase"
          value={passphrase()}
          onInput={(e) => setPassphrase(e.currentTarget.value)}
          disabled={busy()}
          autofocus
        />
        <Show when={creating()}>
          <input
            type="password"
            autocomplete="new-password"
            placeholder="Passphrase again"
            aria-label="Passphrase again"
            data-testid="passphrase-repeat"
            value={repeat()}
            onInput={(e) => setRepeat(e.currentTarget.value)}
            disabled={busy()}
          />
          <Show when={mismatch()}>
            <p class="field-error" data-testid="passphrase-mismatch">
              The two passphrases differ.
            </p>
          </Show>
        </Show>
        <ErrorNote error={unlock.error() ?? skip.error()} testId="unlock-error" />
        <div class="actions">
          <Show when={creating()}>
            <button type="button" disabled={busy()} data-testid="keep-in-memory" onClick={() => void skip.run()}>
              Don't save
            </button>
          </Show>
          <button type="submit" class="primary" disabled={busy() || !ready()} data-testid="unlock-submit">
            {unlock.pending() ? "Opening…" : creating() ? "Save with passphrase" : "Unlock"}
          </button>
        </div>
      </form>
    </div>
  );
}
