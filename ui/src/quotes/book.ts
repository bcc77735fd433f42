// The live quote table as a Solid store. Rows are merged field by field, so a
// batch that moves AAPL's last price re-renders that one cell and nothing else.
import { batch, createSignal } from "solid-js";
import { createStore, produce } from "solid-js/store";
import type { ConnectionView, QuoteBatch } from "../bindings";
import { batchPatch, type QuoteTable } from "./merge";

export type QuoteBook = ReturnType<typeof createQuoteBook>;

export function createQuoteBook() {
  const [rows, setRows] = createStore<QuoteTable>({});
  const [connection, setConnection] = createSignal<ConnectionView>("connecting");
  let watched = new Set<string>();

  function apply(incoming: QuoteBatch) {
    const patch = batchPatch(rows, incoming.quotes, watched);
    batch(() => {
      for (const [symbol, row] of Object.entries(patch)) setRows(symbol, row);
      setConnection(incoming.connection);
    });
  }

  /** Keeps only the rows of `symbols`; later batches for other symbols are ignored. */
  function retain(symbols: readonly string[]) {
    watched = new Set(symbols);
    setRows(
      produce((table) => {
        for (const symbol of Object.keys(table)) if (!watched.has(symbol)) delete table[symbol];
      }),
    );
  }

  return { rows, connection, setConnection, apply, retain };
}
