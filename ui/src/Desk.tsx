import { Show, createEffect, createSignal, on, onCleanup } from "solid-js";
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
import { onGlobalKeys } from "./keys/global";
import { HelpOverlay } from "./keys/HelpOverlay";
import { Blotter } from "./orders/Blotter";
import { createBlotter } from "./orders/blotter";
import { OrderTicket, type TicketFocus } from "./orders/OrderTicket";
import { PALETTE_SHORTCUT, Palette, onPaletteShortcut } from "./palette/Palette";
import type { QuoteBook } from "./quotes/book";
import { Watchlist } from "./quotes/Watchlist";
import { watchSymbols } from "./quotes/watch";

const DEFAULT_WATCHLIST = ["AAPL", "MSFT", "SPY"];

/** The signed-in workspace: accounts, watchlist, order ticket, balances, chart, blotter and positions. */
export function Desk(props: { view: SessionView; book: QuoteBook }) {
  const [accountId, setAccountId] = createSignal<string | null>(pickAccount(props.view.accounts, null));
  createEffect(
    on(
      () => props.view.accounts,
      (accounts) => setAccountId((id) => pickAccount(accounts, id)),
    ),
  );

  const [symbols, setSymbols] = createSignal<readonly string[]>(DEFAULT_WATCHLIST);
  const [chartSymbol, setChartSymbol] = createSignal(DEFAULT_WATCHLIST[0]);
  // Each panel subscribes under its own id; Rust streams the union.
  const watch = watchSymbols(props.book, symbols, "watchlist");
  watchSymbols(props.book, () => [chartSymbol()], "chart");
  // Leaving the desk (sign-out) must not leave old quotes behind for the next sign-in.
  onCleanup(() => props.book.clear());

  const blotter = createBlotter(accountId);
  const positions = createPositions(accountId, props.book);
  const balances = createBalances(accountId);
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
  onPaletteShortcut(() => setPaletteOpen(true));
  // `?` lists the keys (keys/keymap.ts); `t` goes to the ticket. Neither while typing.
  const [helpOpen, setHelpOpen] = createSignal(false);
  let ticket: TicketFocus | undefined;
  onGlobalKeys({
    help: () => setHelpOpen(true),
    ticket: () => {
      if (!helpOpen() && !paletteOpen()) ticket?.focus();
    },
  });
  const watchSymbol = (symbol: string) => {
    if (!symbols().includes(symbol)) setSymbols([...symbols(), symbol]);
  };

  return (
    <div class="desk">
      <div class="desk-top">
        <AccountPicker accounts={props.view.accounts} selected={accountId()} onSelect={setAccountId} />
        <button type="button" class="palette-open" data-testid="palette-open" onClick={() => setPaletteOpen(true)}>
          Search symbols <kbd>{PALETTE_SHORTCUT}</kbd>
        </button>
      </div>
      <Show when={paletteOpen()}>
        <Palette
          watched={symbols()}
          onShow={pick}
          onWatch={watchSymbol}
          onClose={() => setPaletteOpen(false)}
        />
      </Show>
      <Show when={helpOpen()}>
        <HelpOverlay onClose={() => setHelpOpen(false)} />
      </Show>
      <div class="columns">
        <div class="side-column">
          <Watchlist
            book={props.book}
            symbols={symbols()}
            onSymbols={setSymbols}
            onPick={pick}
            watchError={watch.error()}
            onRetryWatch={watch.retry}
          />
          <OrderTicket
            accounts={props.view.accounts}
            accountId={accountId()}
            onAccount={setAccountId}
            picked={picked()}
            prefill={prefill()}
            blotter={blotter}
            focusRef={(f) => (ticket = f)}
          />
          <Balances
            store={balances}
            account={account()}
            dayPl={positions.loaded() ? positions.totals().dayPl : null}
            dayEstimated={positions.totals().dayEstimated}
          />
        </div>
        <div class="main-column">
          <Chart book={props.book} symbol={chartSymbol()} id="main" />
          <WorkTabs
            orders={<Blotter blotter={blotter} accountId={accountId()} />}
            positions={<Positions store={positions} book={props.book} account={account()} onClose={closePosition} />}
            orderCount={blotter.orders().length}
            positionCount={positions.loaded() ? positions.positions().length : null}
          />
        </div>
      </div>
    </div>
  );
}
