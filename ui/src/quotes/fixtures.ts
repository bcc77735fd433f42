// Test data for the quote tests.
import type { QuoteView } from "../bindings";

/** A fresh live quote of `symbol`, with `over` changed. */
export const quote = (symbol: string, over: Partial<QuoteView> = {}): QuoteView => ({
  symbol,
  last: 100,
  bid: 99.9,
  ask: 100.1,
  change: 1,
  changePercent: 1.01,
  volume: 1000,
  ageMs: 5,
  stale: false,
  source: "update",
  ...over,
});
