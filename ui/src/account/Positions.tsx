import { For, Show, createMemo } from "solid-js";
import type { AccountView } from "../bindings";
import type { QuoteBook } from "../quotes/book";
import { AccountPanelTitle } from "../ui/AccountTag";
import { ErrorNote } from "../ui/ErrorNote";
import { ZERO, parse, sum as total } from "./decimal";
import * as fmt from "./money";
import { type TicketPrefill, closingOrder, positionFigures } from "./pnl";
import type { PositionsStore } from "./positions";

const DAY_TITLE = {
  aries: "Aries's day P&L at its own mark (no live price yet)",
  live: "Aries's day P&L, moved to the live last price",
  estimated: "Estimated: quantity × today's change; right only for shares held since the previous close",
};

/** Open positions of the selected account, valued at the live last price, with a Close per row. */
export function Positions(props: {
  store: PositionsStore;
  book: QuoteBook;
  account: AccountView | undefined;
  /** Puts the closing order on the ticket; the ticket never sends by itself. */
  onClose: (order: TicketPrefill) => void;
}) {
  const positions = () => props.store.positions();
  const sum = () => props.store.totals();
  /** Aries's realized P&L per position, summed; a dash when any row lacks it. */
  const realizedTotal = () => total(positions().map((p) => parse(p.realizedPl)));
  /** For tests and the e2e suite: "ready" once the list for this account has loaded. */
  const state = () =>
    !props.account
      ? "none"
      : props.store.error()
        ? "error"
        : props.store.loaded()
          ? "ready"
          : "loading";

  return (
    <section
      class="panel positions"
      classList={{ "acct-sim": props.account?.isSim === true, "acct-live": props.account?.isSim === false }}
      aria-label="Positions"
      data-testid="positions"
      data-state={state()}
    >
      <AccountPanelTitle title="Positions" account={props.account} />
      <ErrorNote error={props.store.error()} onRetry={props.store.retry} testId="positions-error" />
      <ErrorNote error={props.store.quoteError()} onRetry={props.store.retryQuotes} testId="positions-quotes-error" />
      <Show when={positions().length > 0}>
        <table class="grid positions-grid">
          <thead>
            <tr>
              <th class="left">Symbol</th>
              <th>Qty</th>
              <th>Avg cost</th>
              <th>Last</th>
              <th>Mkt value</th>
              <th>Unrealized P&amp;L</th>
              <th>%</th>
              <th>Day P&amp;L</th>
              <th title="Realized P&L, as Aries reports it">Realized</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {/* Keyed by the position object: a tick re-values a row's cells without rebuilding it. */}
            <For each={positions()}>
              {(position) => {
                const quote = () => props.book.rows[position.symbol];
                const f = createMemo(() => positionFigures(position, quote()));
                return (
                  <tr data-testid="position-row" data-symbol={f().symbol} data-qty={f().quantity.toFixed()}>
                    <td class="left sym">
                      {f().symbol}
                      <Show when={f().quantity.lt(ZERO)}>
                        <span class="short-tag">SHORT</span>
                      </Show>
                    </td>
                    <td classList={{ down: f().quantity.lt(ZERO) }}>{fmt.quantity(f().quantity)}</td>
                    <td>{fmt.price(f().averageCost)}</td>
                    <td
                      classList={{ muted: quote()?.stale === true }}
                      title={f().last ? (quote()?.stale ? "Stale: no update for a while" : undefined) : "No live price yet"}
                    >
                      {fmt.price(f().last)}
                    </td>
                    <td>{fmt.money(f().marketValue)}</td>
                    <td class={fmt.tone(f().unrealized) ?? ""}>{fmt.pl(f().unrealized)}</td>
                    <td class={fmt.tone(f().unrealizedPercent) ?? ""}>{fmt.percent(f().unrealizedPercent)}</td>
                    <td
                      class={fmt.tone(f().dayPl) ?? ""}
                      title={f().daySource ? DAY_TITLE[f().daySource ?? "aries"] : undefined}
                    >
                      {f().daySource === "estimated" ? "≈ " : ""}
                      {fmt.pl(f().dayPl)}
                    </td>
                    <td class={fmt.tone(parse(position.realizedPl)) ?? ""}>{fmt.pl(parse(position.realizedPl))}</td>
                    <td class="actions-cell">
                      <button
                        type="button"
                        class="small"
                        data-testid="position-close"
                        title={`Put ${f().quantity.gt(ZERO) ? "SELL" : "BUY"} ${fmt.quantity(f().quantity.abs())} ${f().symbol} on the ticket`}
                        onClick={() => {
                          const order = closingOrder(position);
                          if (order) props.onClose(order);
                        }}
                      >
                        Close
                      </button>
                    </td>
                  </tr>
                );
              }}
            </For>
          </tbody>
          <tfoot>
            <tr data-testid="positions-total">
              <td class="left">Total</td>
              <td />
              <td />
              <td />
              <td>{fmt.money(sum().marketValue)}</td>
              <td class={fmt.tone(sum().unrealized) ?? ""}>{fmt.pl(sum().unrealized)}</td>
              <td class={fmt.tone(sum().unrealizedPercent) ?? ""}>{fmt.percent(sum().unrealizedPercent)}</td>
              <td class={fmt.tone(sum().dayPl) ?? ""}>
                {sum().dayEstimated ? "≈ " : ""}
                {fmt.pl(sum().dayPl)}
              </td>
              <td class={fmt.tone(realizedTotal()) ?? ""}>{fmt.pl(realizedTotal())}</td>
              <td />
            </tr>
          </tfoot>
        </table>
      </Show>
      <Show when={!props.account}>
        <p class="empty">Choose an account to see its positions.</p>
      </Show>
      <Show when={props.account && props.store.loaded() && positions().length === 0}>
        <p class="empty">No positions</p>
      </Show>
      <Show when={props.store.loading()}>
        <p class="empty">Loading positions…</p>
      </Show>
    </section>
  );
}
