// A quote batch crosses the Channel as columns (`QuoteColumns` in
// src-tauri/views/market.rs: field names once per batch, so a batch stays on
// Tauri's one-trip delivery). The page turns it back into rows once, here at
// the boundary, and the book, the chart and the readout read `QuoteView`s.
import type { QuoteBatch, QuoteColumns, QuoteView } from "../bindings";

/** A quote batch as the page uses it: one row per symbol. */
export type QuoteRows = Omit<QuoteBatch, "quotes"> & { quotes: QuoteView[] };

/** The rows of `columns`, in their order; throws if the columns disagree in length (never a partial row). */
export function quoteRows(columns: QuoteColumns): QuoteView[] {
  const n = columns.symbol.length;
  const lengths = Object.values(columns).map((column) => column.length);
  if (lengths.some((length) => length !== n)) throw new Error(`quote batch: columns of ${lengths.join("/")} entries`);
  return columns.symbol.map((symbol, i) => ({
    symbol,
    last: columns.last[i],
    bid: columns.bid[i],
    ask: columns.ask[i],
    change: columns.change[i],
    changePercent: columns.changePercent[i],
    volume: columns.volume[i],
    tradedAtMs: columns.tradedAtMs[i],
    ageMs: columns.ageMs[i],
    stale: columns.stale[i],
    source: columns.source[i],
  }));
}

export const decodeQuoteBatch = (batch: QuoteBatch): QuoteRows => ({ ...batch, quotes: quoteRows(batch.quotes) });
