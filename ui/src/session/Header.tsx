import { Show } from "solid-js";
import type { ConnectionView, SessionView } from "../bindings";
import { LookSettings } from "../theme/LookSettings";
import { ErrorNote } from "../ui/ErrorNote";
import type { Action } from "../ui/action";

const CONNECTION_LABEL: Record<ConnectionView, string> = {
  connecting: "Connecting…",
  live: "Live",
  reconnecting: "Reconnecting…",
  offline: "Offline",
  signedOut: "Offline",
};

export function Header(props: {
  session: SessionView | null;
  connection: ConnectionView;
  signOut: Action<[], unknown>;
}) {
  const signedIn = () => props.session?.phase === "signedIn";
  return (
    <header class="bar">
      <h1>Aries Desk</h1>
      <span class="badge" hidden={props.session?.mode !== "sandbox"}>
        SANDBOX
      </span>
      <Show when={props.session?.mode === "sandbox" && props.session.simulator}>
        {(url) => (
          <span class="sim-note">
            Simulator running at <code class="sim-url">{url()}</code>
          </span>
        )}
      </Show>
      <Show when={props.session?.mode === "live"}>
        <span class="live-marker" title="Orders go to the real market">
          LIVE TRADING
        </span>
      </Show>
      <span class="spacer" />
      <LookSettings />
      <Show when={signedIn()}>
        <span
          class="connection"
          data-testid="connection"
          data-state={props.connection}
          classList={{ [`conn-${props.connection}`]: true }}
        >
          {CONNECTION_LABEL[props.connection]}
        </span>
        <span class="user" data-testid="user-email">
          {props.session?.user?.email ?? "Signed in"}
        </span>
        <ErrorNote error={props.signOut.error()} onRetry={props.signOut.retry} />
        <button type="button" disabled={props.signOut.pending()} onClick={() => void props.signOut.run()}>
          Sign out
        </button>
      </Show>
    </header>
  );
}
