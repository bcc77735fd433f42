// The selected account's open positions: positions(accountId), then the
// account stream's position events. The rows' symbols are watched for quotes
// under the panel id "positions", so their last prices stream even when a
// symbol is not in the watchlist.
import { createMemo } from "solid-js";
import type { AccountEventView, PositionView } from "../bindings";
import * as ipc from "../ipc";
import type { QuoteBook } from "../quotes/book";
import { watchSymbols } from "../quotes/watch";
import { ZERO, parse } from "./decimal";
import { positionFigures, totals } from "./pnl";
import { createAccountStore } from "./store";

const isFlat = (p: PositionView) => parse(p.quantity)?.eq(ZERO) ?? false;

/** The list with `position` merged in by symbol: replaced in place, added last, or removed when flat (quantity 0). */
export function mergePosition(list: readonly PositionView[], position: PositionView): readonly PositionView[] {
  const index = list.findIndex((p) => p.symbol === position.symbol);
  if (isFlat(position)) return index < 0 ? list : list.filter((_, i) => i !== index);
  if (index < 0) return [...list, position];
  const next = [...list];
  next[index] = position;
  return next;
}

/** Applies one account event; only position events change the list. */
export function applyPositionEvent(list: readonly PositionView[], event: AccountEventView): readonly PositionView[] {
  return event.kind === "position" ? mergePosition(list, event.position) : list;
}

const EMPTY: readonly PositionView[] = [];
const sameList = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((s, i) => s === b[i]);

export type PositionsStore = ReturnType<typeof createPositions>;

export function createPositions(accountId: () => string | null, book: QuoteBook) {
  const store = createAccountStore({
    panel: "positions",
    accountId,
    empty: EMPTY,
    load: async (id) => (await ipc.positions(id)).filter((p) => !isFlat(p)),
    apply: applyPositionEvent,
  });
  // Resubscribes only when the set of symbols changes, not on every fill.
  const symbols = createMemo(() => [...new Set(store.data().map((p) => p.symbol))].sort(), [], { equals: sameList });
  const quotes = watchSymbols(book, symbols, "positions");
  /** The account's totals at the live prices (the balances panel shows the day P&L too). */
  const sum = createMemo(() => totals(store.data().map((p) => positionFigures(p, book.rows[p.symbol]))));
  return { ...store, positions: store.data, totals: sum, quoteError: quotes.error, retryQuotes: quotes.retry };
}
