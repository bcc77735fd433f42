import { type JSX, Show, createEffect, createSignal, on, onCleanup } from "solid-js";
import { Balances } from "./account/Balances";
import { createBalances } from "./account/balances";
import type { TicketPrefill } from "./account/pnl";
import { Positions } from "./account/Positions";
import { createPositions } from "./account/positions";
import { WorkTabs } from "./account/WorkTabs";
import { AccountPicker } from "./accounts/AccountPicker";
import { pickAccount } from "./accounts/pick";
import type { SessionView } from "./bindings";
import { Chart } from "./chart/Chart";
import { followStreams, freshness } from "./hud/freshness";
import { onGlobalKeys } from "./keys/global";
import { HelpOverlay } from "./keys/HelpOverlay";
import { CHART_HEIGHT, SIDE_WIDTH, layoutKey } from "./layout/layout";
import { LayoutMenu } from "./layout/LayoutMenu";
import { Splitter } from "./layout/Splitter";
import { createLayout } from "./layout/store";
import { Blotter } from "./orders/Blotter";
import { createBlotter } from "./orders/blotter";
import { OrderTicket, type TicketFocus } from "./orders/OrderTicket";
import { PALETTE_SHORTCUT, Palette, onPaletteShortcut } from "./palette/Palette";
import type { QuoteBook } from "./quotes/book";
import { watchSymbols } from "./quotes/watch";
import { type Feature, allowedAccount, missing } from "./session/grants";
import { Unavailable } from "./session/Unavailable";
import { createWatchlists } from "./watchlists/store";
import { WatchlistPanel } from "./watchlists/WatchlistPanel";

/** What the chart shows until a symbol is picked. */
const FIRST_CHART_SYMBOL = "AAPL";

/** The signed-in workspace: accounts, watchlist, order ticket, balances, chart, blotter and positions. */
export function Desk(props: { view: SessionView; book: QuoteBook }) {
  const [accountId, setAccountId] = createSignal<string | null>(pickAccount(props.view.accounts, null));
  createEffect(
    on(
      () => props.view.accounts,
      (accounts) => setAccountId((id) => pickAccount(accounts, id)),
    ),
  );

  // A reduced sign-in: panels its scopes do not allow ask nothing of Aries and say what is missing.
  const scopes = () => props.view.scopes;
  const lacks = (feature: Feature) => missing(scopes(), feature);
  // The panel is built only when allowed, so a disallowed one never calls Rust.
  const gate = (feature: Feature, title: string, panel: () => JSX.Element) => (
    <Show when={lacks(feature)} fallback={panel()}>
      {(reason) => <Unavailable title={title} feature={feature} reason={reason()} />}
    </Show>
  );

  // The saved watchlists (Rust keeps them per backend and user), restored at sign-in.
  const watchlists = createWatchlists();
  void watchlists.load();
  const [chartSymbol, setChartSymbol] = createSignal(FIRST_CHART_SYMBOL);
  // Each panel subscribes under its own id (each list view too); Rust streams the union.
  watchSymbols(props.book, () => (lacks("market") ? [] : [chartSymbol()]), "chart");
  // Leaving the desk (sign-out) must not leave old quotes or measurements behind for the next sign-in.
  onCleanup(() => {
    props.book.clear();
    freshness.reset();
  });
  // Both sockets' states for the header (and the freshness readout).
  void followStreams(freshness);

  // Sizes, sides and shown panels, per backend and user (layout/layout.ts).
  const { layout, change: changeLayout, reset: resetLayout } = createLayout(() =>
    layoutKey(props.view.mode, props.view.user?.id ?? ""),
  );
  let columns: HTMLDivElement | undefined;
  // CSS variables through the CSSOM: the CSP forbids style attributes.
  createEffect(() => {
    columns?.style.setProperty("--side-width", `${layout().sideWidth}px`);
    columns?.style.setProperty("--chart-height", `${layout().chartHeight}px`);
  });

  const blotter = createBlotter(allowedAccount(scopes, "orders", accountId));
  const positions = createPositions(allowedAccount(scopes, "positions", accountId), props.book);
  // A hidden Balances panel streams nothing.
  const balancesAccount = allowedAccount(scopes, "balances", accountId);
  const balances = createBalances(() => (layout().balances ? balancesAccount() : null));
  const account = () => props.view.accounts.find((a) => a.id === accountId());
  // A position's Close puts the closing order on the ticket (never sends it); not deduplicated either.
  const [prefill, setPrefill] = createSignal<TicketPrefill | null>(null, { equals: false });
  const closePosition = (order: TicketPrefill) => {
    setPrefill(order);
    setChartSymbol(order.symbol);
  };
  // Not deduplicated, so picking the same row again still fills the ticket.
  const [picked, setPicked] = createSignal<string | null>(null, { equals: false });
  const pick = (symbol: string) => {
    setPicked(symbol);
    setChartSymbol(symbol);
  };
  // The symbol palette (Ctrl+K): Enter picks like the watchlist, Alt+Enter adds to it.
  const [paletteOpen, setPaletteOpen] = createSignal(false);
  onPaletteShortcut(() => setPaletteOpen(lacks("market") === null));
  // `?` lists the keys (keys/keymap.ts); `t` goes to the ticket. Neither while typing.
  const [helpOpen, setHelpOpen] = createSignal(false);
  let ticket: TicketFocus | undefined;
  onGlobalKeys({
    help: () => setHelpOpen(true),
    hud: () => {
      if (!helpOpen()) freshness.toggle();
    },
    ticket: () => {
      if (!helpOpen() && !paletteOpen()) ticket?.focus();
    },
  });
  // The palette's Alt+Enter: saved to the list shown; the answer says what became of it.
  const watchSymbol = async (symbol: string): Promise<string> => {
    const list = watchlists.current();
    if (!list) return "No watchlist to add to: your watchlists did not load.";
    if (await watchlists.add(symbol)) return `Added ${symbol} to “${list.name}”.`;
    return watchlists.error()?.message ?? `${symbol} was not added.`;
  };

  return (
    <div class="desk">
      <div class="desk-top">
        <AccountPicker accounts={props.view.accounts} selected={accountId()} onSelect={setAccountId} />
        <button
          type="button"
          class="palette-open"
          data-testid="palette-open"
          disabled={lacks("market") !== null}
          title={lacks("market") ?? undefined}
          onClick={() => setPaletteOpen(true)}
        >
          Search symbols <kbd>{PALETTE_SHORTCUT}</kbd>
        </button>
        <LayoutMenu layout={layout()} onChange={changeLayout} onReset={resetLayout} />
      </div>
      <Show when={paletteOpen()}>
        <Palette
          watched={watchlists.current()?.symbols ?? []}
          listName={watchlists.current()?.name ?? "the watchlist"}
          onShow={pick}
          onWatch={watchSymbol}
          onClose={() => setPaletteOpen(false)}
        />
      </Show>
      <Show when={helpOpen()}>
        <HelpOverlay onClose={() => setHelpOpen(false)} />
      </Show>
      <div ref={columns} class="columns" classList={{ "side-right": layout().side === "right" }}>
        <div class="side-column" data-testid="side-column">
          {gate("market", "Watchlist", () => (
            <WatchlistPanel book={props.book} store={watchlists} onPick={pick} />
          ))}
          <OrderTicket
            readOnly={lacks("trade")}
            accounts={props.view.accounts}
            accountId={accountId()}
            onAccount={setAccountId}
            picked={picked()}
            prefill={prefill()}
            blotter={blotter}
            focusRef={(f) => (ticket = f)}
          />
          <Show when={layout().balances}>
            {gate("balances", "Balances", () => (
              <Balances
                store={balances}
                account={account()}
                dayPl={positions.loaded() ? positions.totals().dayPl : null}
                dayEstimated={positions.totals().dayEstimated}
              />
            ))}
          </Show>
        </div>
        <Splitter
          orientation="vertical"
          label="Side column width"
          value={layout().sideWidth}
          limits={SIDE_WIDTH}
          growsBackwards={layout().side === "right"}
          onChange={(sideWidth) => changeLayout({ sideWidth })}
          testId="splitter-side"
        />
        <div class="main-column">
          {gate("market", "Chart", () => (
            <Chart book={props.book} symbol={chartSymbol()} id="main" orders={blotter.rows()} />
          ))}
          <Show when={lacks("market") === null}>
            <Splitter
              orientation="horizontal"
              label="Chart height"
              value={layout().chartHeight}
              limits={CHART_HEIGHT}
              onChange={(chartHeight) => changeLayout({ chartHeight })}
              testId="splitter-chart"
            />
          </Show>
          <WorkTabs
            orders={gate("orders", "Orders", () => (
              <Blotter blotter={blotter} accountId={accountId()} account={account()} readOnly={lacks("trade")} />
            ))}
            positions={gate("positions", "Positions", () => (
              <Positions store={positions} book={props.book} account={account()} onClose={closePosition} />
            ))}
            orderCount={blotter.orders().length}
            positionCount={positions.loaded() ? positions.positions().length : null}
          />
        </div>
      </div>
    </div>
  );
}
