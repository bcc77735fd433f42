import { describe, expect, it } from "vitest";
import type { QuoteView } from "../bindings";
import { quote } from "./fixtures";
import { batchPatch, type QuoteTable } from "./merge";

const watched = new Set(["AAPL", "MSFT", "SPY"]);

function applied(table: QuoteTable, quotes: QuoteView[]): QuoteTable {
  return { ...table, ...batchPatch(table, quotes, watched) };
}

describe("batchPatch", () => {
  it("touches only the symbols in the batch", () => {
    const table = applied({}, [quote("AAPL"), quote("MSFT"), quote("SPY")]);
    const patch = batchPatch(table, [quote("MSFT", { last: 101 })], watched);
    expect(Object.keys(patch)).toEqual(["MSFT"]);
    const next = { ...table, ...patch };
    expect(next.AAPL).toBe(table.AAPL);
    expect(next.SPY).toBe(table.SPY);
    expect(next.MSFT?.last).toBe(101);
  });

  it("ignores symbols that are no longer watched", () => {
    expect(batchPatch({}, [quote("TSLA"), quote("AAPL")], watched)).toEqual({
      AAPL: { ...quote("AAPL"), move: null, ticks: 0 },
    });
  });

  it("records the direction of each last-price move and counts the moves", () => {
    let table = applied({}, [quote("AAPL", { last: 100 })]);
    expect(table.AAPL).toMatchObject({ move: null, ticks: 0 });
    table = applied(table, [quote("AAPL", { last: 100.5 })]);
    expect(table.AAPL).toMatchObject({ move: "up", ticks: 1 });
    table = applied(table, [quote("AAPL", { last: 99 })]);
    expect(table.AAPL).toMatchObject({ move: "down", ticks: 2 });
    // Only the bid moved: the last cell keeps its colour and does not flash again.
    table = applied(table, [quote("AAPL", { last: 99, bid: 98.5 })]);
    expect(table.AAPL).toMatchObject({ move: "down", ticks: 2, bid: 98.5 });
    // A missing last price is not a move either.
    table = applied(table, [quote("AAPL", { last: null })]);
    expect(table.AAPL).toMatchObject({ move: "down", ticks: 2, last: null });
  });

  it("applies several quotes for one symbol in order", () => {
    const table = applied({}, [quote("SPY", { last: 500 })]);
    const patch = batchPatch(table, [quote("SPY", { last: 501 }), quote("SPY", { last: 502 })], watched);
    expect(patch.SPY).toMatchObject({ last: 502, move: "up", ticks: 2 });
  });

  it("carries the stale flag both ways", () => {
    let table = applied({}, [quote("MSFT")]);
    table = applied(table, [quote("MSFT", { stale: true, ageMs: 12_000 })]);
    expect(table.MSFT).toMatchObject({ stale: true, ageMs: 12_000, last: 100 });
    table = applied(table, [quote("MSFT", { stale: false, ageMs: 3 })]);
    expect(table.MSFT?.stale).toBe(false);
  });
});
