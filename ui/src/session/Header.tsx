import { Show } from "solid-js";
import type { ConnectionView, SessionView } from "../bindings";
import type { Freshness } from "../hud/freshness";
import { FreshnessHud } from "../hud/FreshnessHud";
import { LookSettings } from "../theme/LookSettings";
import { ErrorNote } from "../ui/ErrorNote";
import type { Action } from "../ui/action";
import { CONNECTION_LABEL, socketShown } from "./connection";
import { DrillMenu } from "./DrillMenu";
import { drillMenuShown } from "./drill";
import { missing } from "./grants";

export function Header(props: {
  session: SessionView | null;
  /** The market stream's state as the quote batches carry it, until the sockets' own report arrives. */
  connection: ConnectionView;
  freshness: Freshness;
  signOut: Action<[], unknown>;
  setNotifications: Action<[boolean], unknown>;
  /** Opens the Updates dialog (the version, and a check). */
  onUpdates: () => void;
}) {
  const signedIn = () => props.session?.phase === "signedIn";
  const scopes = () => props.session?.scopes ?? [];
  // A socket the sign-in's scopes do not allow is never connected (src-tauri/session.rs): say so, not "Offline".
  const marketDenied = () => missing(scopes(), "market");
  const accountDenied = () => missing(scopes(), "accountStream");
  const market = () => socketShown(scopes(), "market", props.freshness.streams()?.market.state ?? props.connection);
  const account = () =>
    socketShown(scopes(), "accountStream", props.freshness.streams()?.account.state ?? "connecting");
  return (
    <>
      <header class="bar">
        <h1>Aries Desk</h1>
        <span class="badge" hidden={props.session?.mode !== "sandbox"}>
          SANDBOX
        </span>
        <Show when={props.session?.mode === "sandbox" && props.session.simulator}>
          {(url) => (
            <span class="sim-note" title={`Simulator running at ${url()}`}>
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
        <Show when={drillMenuShown(props.session)}>
          <DrillMenu />
        </Show>
        <LookSettings />
        <Show when={signedIn()}>
          {/* Each socket's state, or why this sign-in has none. */}
          <span
            class="connection"
            data-testid="connection"
            data-state={market()}
            classList={{ [`conn-${market()}`]: true }}
            title={
            marketDenied() ? `Not permitted by your sign-in. ${marketDenied()}` : "The market-data socket: quotes and the chart's last bar"
          }
          >
            <span class="conn-name">Market</span> {CONNECTION_LABEL[market()]}
          </span>
          <span
            class="connection"
            data-testid="connection-account"
            data-state={account()}
            classList={{ [`conn-${account()}`]: true }}
            title={
            accountDenied()
              ? `Not permitted by your sign-in. ${accountDenied()}`
              : "The account socket: orders, fills, positions and balances"
          }
          >
            <span class="conn-name">Account</span> {CONNECTION_LABEL[account()]}
          </span>
          <button
            type="button"
            class="hud-toggle"
            data-testid="hud-toggle"
            aria-expanded={props.freshness.open()}
            title="Freshness: tick age, tick-to-paint, order round trip, sockets (F)"
            onClick={() => props.freshness.toggle()}
          >
            Freshness <kbd>F</kbd>
          </button>
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
      {/* Below the header, in the flow: it pushes the desk down and never covers a control. */}
      <Show when={signedIn() && props.freshness.open()}>
        <FreshnessHud store={props.freshness} market={market()} account={account()} />
      </Show>
    </>
  );
}
