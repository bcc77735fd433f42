import { Show } from "solid-js";
import type { ConnectionView, SessionView } from "../bindings";
import { LookSettings } from "../theme/LookSettings";
import { ErrorNote } from "../ui/ErrorNote";
import type { Action } from "../ui/action";
import { missing } from "./grants";

// The market stream's state. "Live" beside a SANDBOX badge read as live trading, so it says what it is.
const CONNECTION_LABEL: Record<ConnectionView, string> = {
  connecting: "Connecting…",
  live: "Streaming",
  reconnecting: "Reconnecting…",
  offline: "Offline",
  signedOut: "Offline",
};

export function Header(props: {
  session: SessionView | null;
  connection: ConnectionView;
  signOut: Action<[], unknown>;
  setNotifications: Action<[boolean], unknown>;
  /** Opens the Updates dialog (the version, and a check). */
  onUpdates: () => void;
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
      <button type="button" class="link" data-testid="updates-button" onClick={() => props.onUpdates()}>
        Updates
      </button>
      <LookSettings />
      <Show when={signedIn()}>
        {/* The market stream's state: a session without market:information has none. */}
        <Show when={missing(props.session?.scopes ?? [], "market") === null}>
          <span
            class="connection"
            data-testid="connection"
            data-state={props.connection}
            classList={{ [`conn-${props.connection}`]: true }}
          >
            {CONNECTION_LABEL[props.connection]}
          </span>
        </Show>
        <Show when={missing(props.session?.scopes ?? [], "trade")}>
          {(reason) => (
            <span class="read-only" data-testid="read-only" title={reason()}>
              READ-ONLY
            </span>
          )}
        </Show>
        <span class="user" data-testid="user-email">
          {props.session?.user?.email ?? "Signed in"}
        </span>
        <label class="notify-toggle" title="An OS notification for each fill, rejection and cancel made by Aries">
          <input
            type="checkbox"
            data-testid="notifications-toggle"
            checked={props.session?.notifications ?? true}
            disabled={props.setNotifications.pending()}
            onChange={(e) => void props.setNotifications.run(e.currentTarget.checked)}
          />
          Notify fills
        </label>
        <ErrorNote error={props.setNotifications.error()} onRetry={props.setNotifications.retry} />
        <ErrorNote error={props.signOut.error()} onRetry={props.signOut.retry} />
        <button type="button" disabled={props.signOut.pending()} onClick={() => void props.signOut.run()}>
          Sign out
        </button>
      </Show>
    </header>
  );
}
