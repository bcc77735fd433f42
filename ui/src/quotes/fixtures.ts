// Test data for the quote tests.
import type { QuoteColumns, QuoteView } from "../bindings";

/** A fresh live quote of `symbol`, with `over` changed. */
export const quote = (symbol: string, over: Partial<QuoteView> = {}): QuoteView => ({
  symbol,
  last: 100,
  bid: 99.9,
  ask: 100.1,
  change: 1,
  changePercent: 1.01,
  volume: 1000,
  tradedAtMs: null,
  ageMs: 5,
  stale: false,
  source: "update",
  ...over,
});

/** `quotes` as Rust sends them: one column per field. */
export const columnsOf = (quotes: QuoteView[]): QuoteColumns => ({
  symbol: quotes.map((q) => q.symbol),
  last: quotes.map((q) => q.last),
  bid: quotes.map((q) => q.bid),
  ask: quotes.map((q) => q.ask),
  change: quotes.map((q) => q.change),
  changePercent: quotes.map((q) => q.changePercent),
  volume: quotes.map((q) => q.volume),
  tradedAtMs: quotes.map((q) => q.tradedAtMs),
  ageMs: quotes.map((q) => q.ageMs),
  stale: quotes.map((q) => q.stale),
  source: quotes.map((q) => q.source),
});
