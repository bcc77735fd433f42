import { createEffect, createSignal, on, onCleanup } from "solid-js";
import { AccountPicker } from "./accounts/AccountPicker";
import { pickAccount } from "./accounts/pick";
import type { SessionView } from "./bindings";
import { Blotter } from "./orders/Blotter";
import { createBlotter } from "./orders/blotter";
import { OrderTicket } from "./orders/OrderTicket";
import type { QuoteBook } from "./quotes/book";
import { Watchlist } from "./quotes/Watchlist";
import { watchSymbols } from "./quotes/watch";

const DEFAULT_WATCHLIST = ["AAPL", "MSFT", "SPY"];

/** The signed-in workspace: accounts, watchlist, order ticket and blotter. */
export function Desk(props: { view: SessionView; book: QuoteBook }) {
  const [accountId, setAccountId] = createSignal<string | null>(pickAccount(props.view.accounts, null));
  createEffect(
    on(
      () => props.view.accounts,
      (accounts) => setAccountId((id) => pickAccount(accounts, id)),
    ),
  );

  const [symbols, setSymbols] = createSignal<readonly string[]>(DEFAULT_WATCHLIST);
  const watch = watchSymbols(props.book, symbols);
  // Leaving the desk (sign-out) must not leave old quotes behind for the next sign-in.
  onCleanup(() => {
    props.book.retain([]);
    props.book.setConnection("connecting");
  });

  const blotter = createBlotter(accountId);
  // Not deduplicated, so picking the same row again still fills the ticket.
  const [picked, setPicked] = createSignal<string | null>(null, { equals: false });

  return (
    <div class="desk">
      <AccountPicker accounts={props.view.accounts} selected={accountId()} onSelect={setAccountId} />
      <div class="columns">
        <div class="side-column">
          <Watchlist
            book={props.book}
            symbols={symbols()}
            onSymbols={setSymbols}
            onPick={setPicked}
            watchError={watch.error()}
            onRetryWatch={watch.retry}
          />
          <OrderTicket
            accounts={props.view.accounts}
            accountId={accountId()}
            onAccount={setAccountId}
            picked={picked()}
            blotter={blotter}
          />
        </div>
        <Blotter blotter={blotter} accountId={accountId()} />
      </div>
    </div>
  );
}
