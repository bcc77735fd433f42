// The live quote table as a Solid store, one per window and keyed by symbol:
// every panel (watchlist, chart, ticket) reads the same rows. Rows are merged
// field by field, so a batch that moves AAPL's last price re-renders that one
// cell and nothing else.
import { batch, createSignal } from "solid-js";
import { createStore, produce } from "solid-js/store";
import type { ConnectionView } from "../bindings";
import type { QuoteRows } from "./columns";
import { batchPatch, type QuoteTable } from "./merge";

export type QuoteBook = ReturnType<typeof createQuoteBook>;

/** `onApplied` hears each batch once its rows are in the store (the freshness readout times the paint). */
export function createQuoteBook(onApplied: (batch: QuoteRows) => void = () => {}) {
  const [rows, setRows] = createStore<QuoteTable>({});
  const [connection, setConnection] = createSignal<ConnectionView>("connecting");
  // Each panel's symbols; a row lives while any panel watches its symbol.
  const panels = new Map<string, readonly string[]>();
  let watched = new Set<string>();

  function apply(incoming: QuoteRows) {
    const patch = batchPatch(rows, incoming.quotes, watched);
    batch(() => {
      for (const [symbol, row] of Object.entries(patch)) setRows(symbol, row);
      setConnection(incoming.connection);
    });
    onApplied(incoming);
  }

  /**
   * Sets what `panel` watches. Rows no panel watches any more are dropped, and
   * later batches for them are ignored.
   */
  function retain(panel: string, symbols: readonly string[]) {
    if (symbols.length) panels.set(panel, symbols);
    else panels.delete(panel);
    watched = new Set([...panels.values()].flat());
    setRows(
      produce((table) => {
        for (const symbol of Object.keys(table)) if (!watched.has(symbol)) delete table[symbol];
      }),
    );
  }

  /** Forgets every panel and row (sign-out). */
  function clear() {
    for (const panel of [...panels.keys()]) retain(panel, []);
    setConnection("connecting");
  }

  /** Whether any panel watches a symbol: a batch for a book no panel reads (signed out) is not applied. */
  const watching = () => panels.size > 0;

  return { rows, connection, setConnection, apply, retain, clear, watching };
}
