import { describe, expect, it } from "vitest";
import { decodeQuoteBatch, quoteRows } from "./columns";
import { columnsOf, quote } from "./fixtures";

describe("quote columns", () => {
  it("become one row per symbol, in order, every field in its row", () => {
    const quotes = [
      quote("AAPL", { last: 187.25, changePercent: -0.4, tradedAtMs: 1_750_860_734_327, source: "snapshot" }),
      quote("MSFT", { last: null, bid: null, stale: true, ageMs: 9_000 }),
    ];
    expect(quoteRows(columnsOf(quotes))).toEqual(quotes);
  });

  it("keep the batch's connection and send stamp", () => {
    const batch = { quotes: columnsOf([quote("SPY")]), connection: "reconnecting" as const, sentAtMs: 42 };
    expect(decodeQuoteBatch(batch)).toEqual({ quotes: [quote("SPY")], connection: "reconnecting", sentAtMs: 42 });
  });

  it("refuse columns of different lengths rather than make a row of another symbol's numbers", () => {
    const columns = columnsOf([quote("AAPL"), quote("MSFT")]);
    columns.last.pop();
    expect(() => quoteRows(columns)).toThrow(/2\/1\/2/);
  });
});
