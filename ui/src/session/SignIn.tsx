import { Match, Show, Switch, createSignal } from "solid-js";
import type { SessionView } from "../bindings";
import { ErrorNote } from "../ui/ErrorNote";
import { createAction } from "../ui/action";
import { RedirectSetting } from "./RedirectSetting";
import { ScopePicker } from "./ScopePicker";
import { UnlockDialog } from "./UnlockDialog";
import { waitingUntil } from "./deadline";
import { DEFAULT_SCOPES } from "./scopes";
import type { Session } from "./session";
import { signInHeadline, signInHint } from "./signInError";

/** Shown while signed out or while the browser sign-in is pending. */
export function SignIn(props: { session: Session; view: SessionView }) {
  const [scopes, setScopes] = createSignal<string[]>([...DEFAULT_SCOPES]);
  const login = createAction(props.session.login);
  const cancel = createAction(props.session.cancelLogin);
  const dismiss = createAction(props.session.dismissSchemeNote);
  const pending = () => props.view.phase === "pending";
  const signIn = () => void login.run(scopes());

  return (
    <section class="signin">
      <h2>Sign in to Aries</h2>
      <Show when={props.view.schemeNote}>
        {(note) => (
          <div class="note scheme-note" role="note" data-testid="scheme-note">
            <p>{note()}</p>
            <button type="button" disabled={dismiss.pending()} onClick={() => void dismiss.run()}>
              Got it
            </button>
            <ErrorNote error={dismiss.error()} onRetry={dismiss.retry} />
          </div>
        )}
      </Show>
      <Show when={props.view.vault === "memoryOnly"}>
        <p class="note" data-testid="memory-only">
          Sign-in is kept in memory only; you will sign in again next time.
        </p>
      </Show>
      <Show when={props.view.error}>
        {(error) => (
          <div class="problem" role="alert" data-testid="signin-error" data-code={error().code}>
            <strong>{signInHeadline(error())}</strong>
            <p>{error().message}</p>
            <Show when={signInHint(error())}>{(hint) => <p class="muted">{hint()}</p>}</Show>
            {/* A configuration error needs an edit and a restart: retrying cannot help. */}
            <Show when={error().code !== "config"}>
              <button type="button" disabled={login.pending() || pending()} onClick={signIn}>
                Retry
              </button>
            </Show>
          </div>
        )}
      </Show>
      <Switch>
        <Match when={pending()}>
          <div class="pending" data-testid="signin-pending">
            <p>Continue in your browser…</p>
            <p class="muted">Sign in and approve access on the Aries page that just opened, then come back here.</p>
            <Show when={waitingUntil(props.view.pendingUntil)}>
              {(until) => (
                <p class="muted" data-testid="signin-deadline">
                  If the Aries page shows an error instead, Cancel and start again. Aries Desk stops waiting at{" "}
                  {until()}.
                </p>
              )}
            </Show>
            <button
              type="button"
              data-testid="cancel-sign-in"
              disabled={cancel.pending()}
              onClick={() => void cancel.run()}
            >
              Cancel
            </button>
            <ErrorNote error={cancel.error()} onRetry={cancel.retry} />
          </div>
        </Match>
        <Match when={!pending()}>
          <ScopePicker selected={scopes()} onChange={setScopes} />
          <button
            type="button"
            class="primary"
            data-testid="sign-in"
            disabled={login.pending() || scopes().length === 0}
            onClick={signIn}
          >
            Sign in with Aries
          </button>
          <Show when={scopes().length === 0}>
            <p class="muted">Choose at least one permission.</p>
          </Show>
          <ErrorNote error={login.error()} onRetry={login.retry} />
        </Match>
      </Switch>
      <RedirectSetting redirect={props.view.redirect} disabled={pending()} setRedirect={props.session.setRedirect} />
      <Show when={props.view.vault === "locked" || props.view.vault === "needsPassphrase"}>
        <UnlockDialog
          mode={props.view.vault === "locked" ? "unlock" : "create"}
          unlock={props.session.unlock}
          keepInMemory={props.session.keepInMemory}
        />
      </Show>
    </section>
  );
}
