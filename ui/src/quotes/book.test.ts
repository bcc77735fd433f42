import { createComputed, createRoot } from "solid-js";
import { describe, expect, it } from "vitest";
import { quote } from "./fixtures";
import { createQuoteBook } from "./book";

/** Counts how often a computation reading `read` runs, as a rendered cell would. */
function runs(read: () => unknown): () => number {
  let count = 0;
  createComputed(() => {
    read();
    count++;
  });
  return () => count;
}

describe("the quote book (a Solid store)", () => {
  it("re-runs only the cells whose values a batch changed", () => {
    createRoot((dispose) => {
      const book = createQuoteBook();
      book.retain("watchlist", ["AAPL", "MSFT"]);
      book.apply({ quotes: [quote("AAPL"), quote("MSFT")], connection: "live", sentAtMs: 0 });

      const aaplLast = runs(() => book.rows.AAPL?.last);
      const aaplBid = runs(() => book.rows.AAPL?.bid);
      const msftLast = runs(() => book.rows.MSFT?.last);
      expect([aaplLast(), aaplBid(), msftLast()]).toEqual([1, 1, 1]);

      book.apply({ quotes: [quote("MSFT", { last: 101 })], connection: "live", sentAtMs: 0 });
      expect([aaplLast(), aaplBid(), msftLast()]).toEqual([1, 1, 2]);
      expect(book.rows.MSFT?.move).toBe("up");

      book.apply({ quotes: [quote("AAPL", { bid: 99.95 })], connection: "live", sentAtMs: 0 });
      expect([aaplLast(), aaplBid(), msftLast()]).toEqual([1, 2, 2]);
      dispose();
    });
  });

  it("marks a quote stale and reports the connection state", () => {
    createRoot((dispose) => {
      const book = createQuoteBook();
      book.retain("watchlist", ["SPY"]);
      book.apply({ quotes: [quote("SPY")], connection: "live", sentAtMs: 0 });
      const staleRuns = runs(() => book.rows.SPY?.stale);
      book.apply({ quotes: [quote("SPY", { stale: true, ageMs: 9000 })], connection: "reconnecting", sentAtMs: 0 });
      expect(book.rows.SPY?.stale).toBe(true);
      expect(book.rows.SPY?.last).toBe(100);
      expect(staleRuns()).toBe(2);
      expect(book.connection()).toBe("reconnecting");
      dispose();
    });
  });

  it("drops removed symbols and ignores late batches for them", () => {
    createRoot((dispose) => {
      const book = createQuoteBook();
      book.retain("watchlist", ["AAPL", "MSFT"]);
      book.apply({ quotes: [quote("AAPL"), quote("MSFT")], connection: "live", sentAtMs: 0 });
      book.retain("watchlist", ["AAPL"]);
      expect(book.rows.MSFT).toBeUndefined();
      book.apply({ quotes: [quote("MSFT", { last: 120 })], connection: "live", sentAtMs: 0 });
      expect(book.rows.MSFT).toBeUndefined();
      expect(Object.keys(book.rows)).toEqual(["AAPL"]);
      dispose();
    });
  });

  it("tells its listener of each batch once the rows are in the store", () => {
    createRoot((dispose) => {
      const seen: (number | undefined)[] = [];
      const book = createQuoteBook(() => seen.push(book.rows.AAPL?.last ?? undefined));
      book.retain("watchlist", ["AAPL"]);
      book.apply({ quotes: [quote("AAPL", { last: 123 })], connection: "live", sentAtMs: 0 });
      expect(seen).toEqual([123]);
      dispose();
    });
  });

  it("keeps a symbol while any panel watches it", () => {
    createRoot((dispose) => {
      const book = createQuoteBook();
      book.retain("watchlist", ["AAPL", "MSFT"]);
      book.retain("chart", ["MSFT"]);
      book.apply({ quotes: [quote("AAPL"), quote("MSFT")], connection: "live", sentAtMs: 0 });
      book.retain("watchlist", ["AAPL"]);
      expect(book.rows.MSFT?.last).toBe(100); // the chart still watches it
      book.retain("chart", []);
      expect(book.rows.MSFT).toBeUndefined();
      book.clear();
      expect(Object.keys(book.rows)).toEqual([]);
      expect(book.connection()).toBe("connecting");
      dispose();
    });
  });
});
