import { describe, expect, it } from "vitest";
import type { BarView, OrderView } from "../bindings";
import { barTimeOf, fillMarks, orderLines } from "./marks";

const at = (iso: string) => Date.parse(iso) / 1000;
const bar = (time: number): BarView => ({ time, open: 100, high: 101, low: 99, close: 100, volume: 10 });
const order = (over: Partial<OrderView> = {}): OrderView => ({
  clOrdId: "c1",
  clientId: "desk-1",
  accountId: "10001",
  symbol: "AAPL",
  side: "BUY",
  kind: "LIMIT",
  quantity: "100",
  filled: "0",
  averagePrice: null,
  limitPrice: "150.25",
  stopPrice: null,
  tif: "DAY",
  status: "NEW",
  working: true,
  reason: null,
  updatedAt: "2025-06-02T14:31:20Z",
  createdAt: "2025-06-02T14:31:20Z",
  ...over,
});

describe("working orders as price lines", () => {
  it("draws a limit order at its price, labelled with side, open quantity and type", () => {
    expect(orderLines([order()], "AAPL")).toEqual([
      { key: "desk-1:limit", price: 150.25, buy: true, kind: "limit", unknown: false, title: "BUY 100 LMT" },
    ]);
  });

  it("draws only the charted symbol's working orders", () => {
    const orders = [
      order({ symbol: "MSFT" }),
      order({ clientId: "desk-2", status: "CANCELED", working: false }),
      order({ clientId: "desk-3", status: "FILLED", working: false, filled: "100" }),
      order({ clientId: "desk-4", kind: "MARKET", limitPrice: null }),
    ];
    expect(orderLines(orders, "AAPL")).toEqual([]);
  });

  it("labels a partly filled order with what is still open", () => {
    const [line] = orderLines([order({ quantity: "1000", filled: "250", status: "PARTIALLY_FILLED" })], "AAPL");
    expect(line.title).toBe("BUY 750 LMT");
  });

  it("gives a stop-limit two lines and a sell stop its own", () => {
    const lines = orderLines(
      [
        order({ kind: "STOP_LIMIT", stopPrice: "151", limitPrice: "151.5" }),
        order({ clientId: null, clOrdId: "x9", side: "SELL", kind: "STOP", limitPrice: null, stopPrice: "140", quantity: "2.5" }),
      ],
      "AAPL",
    );
    expect(lines.map((l) => [l.key, l.price, l.title, l.buy])).toEqual([
      ["desk-1:limit", 151.5, "BUY 100 LMT", true],
      ["desk-1:stop", 151, "BUY 100 STP", true],
      ["x9:stop", 140, "SELL 2.5 STP", false],
    ]);
  });

  it("keeps drawing an order whose outcome is unknown, marked as such", () => {
    const [line] = orderLines([order({ clOrdId: "", status: "UNKNOWN" })], "AAPL");
    expect(line).toMatchObject({ unknown: true, title: "? BUY 100 LMT", price: 150.25 });
  });

  it("keeps its key across a replace, so the line moves instead of being redrawn", () => {
    const before = orderLines([order({ clOrdId: "c1", limitPrice: "150" })], "AAPL");
    const after = orderLines([order({ clOrdId: "c2", limitPrice: "149" })], "AAPL");
    expect(after[0].key).toBe(before[0].key);
    expect(after[0].price).toBe(149);
  });

  it("skips unreadable prices and quantities rather than drawing them at zero", () => {
    expect(orderLines([order({ limitPrice: "abc" }), order({ clientId: "d2", quantity: "" })], "AAPL")).toEqual([]);
  });
});

describe("the bar of a fill", () => {
  const t0 = at("2025-06-02T14:31:00Z"); // 10:31 New York
  const minutes = [bar(t0 - 60), bar(t0), bar(t0 + 60)];

  it("puts an intraday fill on the bar that contains it, whatever zone the axis shows", () => {
    expect(barTimeOf(minutes, "1", t0 + 59)).toBe(t0);
    expect(barTimeOf(minutes, "1", t0)).toBe(t0);
    expect(barTimeOf(minutes, "1", t0 - 1)).toBe(t0 - 60);
  });

  it("has no bar for a fill older than the loaded bars, and uses the newest for one past it", () => {
    expect(barTimeOf(minutes, "1", t0 - 61)).toBeNull();
    expect(barTimeOf(minutes, "1", t0 + 600)).toBe(t0 + 60);
    expect(barTimeOf([], "1", t0)).toBeNull();
  });

  it("puts a fill on the hourly bar aligned to the session (09:30, 10:30 …)", () => {
    const h930 = at("2025-06-02T13:30:00Z");
    const hours = [bar(h930), bar(h930 + 3600), bar(h930 + 7200)];
    expect(barTimeOf(hours, "60", at("2025-06-02T14:29:59Z"))).toBe(h930);
    expect(barTimeOf(hours, "60", at("2025-06-02T14:30:00Z"))).toBe(h930 + 3600);
  });

  it("puts a fill on its New York date for daily bars, even when UTC has moved on", () => {
    const june2 = at("2025-06-02T00:00:00Z");
    const june3 = at("2025-06-03T00:00:00Z");
    const days = [bar(june2), bar(june3)];
    // 21:00 New York on 2 June is 01:00 UTC on 3 June: still the 2 June bar.
    expect(barTimeOf(days, "1D", at("2025-06-03T01:00:00Z"))).toBe(june2);
    expect(barTimeOf(days, "1D", at("2025-06-03T14:00:00Z"))).toBe(june3);
  });

  it("puts a fill on its week's Monday bar for weekly bars", () => {
    const monday = at("2025-06-02T00:00:00Z");
    const weeks = [bar(monday - 7 * 86_400), bar(monday)];
    expect(barTimeOf(weeks, "1W", at("2025-06-06T19:00:00Z"))).toBe(monday);
  });
});

describe("fills as markers", () => {
  const t0 = at("2025-06-02T14:31:00Z");
  const bars = [bar(t0 - 60), bar(t0), bar(t0 + 60)];
  const filled = (over: Partial<OrderView>) =>
    order({ status: "FILLED", working: false, filled: "100", averagePrice: "150.1", ...over });

  it("marks each filled order once: side, quantity and average price, on its bar, oldest first", () => {
    const marks = fillMarks(
      [
        filled({ clientId: "desk-2", side: "SELL", filled: "40", averagePrice: "151.005", updatedAt: "2025-06-02T14:32:05Z" }),
        filled({ updatedAt: "2025-06-02T14:31:30Z" }),
      ],
      "AAPL",
      bars,
      "1",
    );
    expect(marks).toEqual([
      { key: `${t0}:B`, time: t0, price: 150.1, buy: true, label: "B 100", text: "B 100 @ 150.10" },
      { key: `${t0 + 60}:S`, time: t0 + 60, price: 151.005, buy: false, label: "S 40", text: "S 40 @ 151.005" },
    ]);
  });

  it("shares one marker between one side's orders on one bar, at their weighted average price", () => {
    const marks = fillMarks(
      [
        filled({ clientId: "a", filled: "1", averagePrice: "150.10", updatedAt: "2025-06-02T14:31:05Z" }),
        filled({ clientId: "b", filled: "2", averagePrice: "150.20", updatedAt: "2025-06-02T14:31:35Z" }),
        filled({ clientId: "c", filled: "3", averagePrice: "150.13", updatedAt: "2025-06-02T14:31:50Z" }),
        filled({ clientId: "d", side: "SELL", filled: "4", averagePrice: "150.5", updatedAt: "2025-06-02T14:31:40Z" }),
        filled({ clientId: "e", filled: "5", averagePrice: "149", updatedAt: "2025-06-02T14:32:00Z" }), // next bar
      ],
      "AAPL",
      bars,
      "1",
    );
    // (1 × 150.10 + 2 × 150.20 + 3 × 150.13) / 6 = 150.148333…, shown to 4 places, exact to the chart.
    expect(marks.map((m) => [m.time, m.text, m.price])).toEqual([
      [t0, "B 6 @ 150.1483 (3 orders)", 150.14833333333333],
      [t0, "S 4 @ 150.50", 150.5],
      [t0 + 60, "B 5 @ 149.00", 149],
    ]);
    // On the chart only side and quantity, however many orders share the marker.
    expect(marks.map((m) => m.label)).toEqual(["B 6", "S 4", "B 5"]);
  });

  it("marks a partial fill with what has filled so far", () => {
    const [mark] = fillMarks([order({ status: "PARTIALLY_FILLED", filled: "30", averagePrice: "150" })], "AAPL", bars, "1");
    expect(mark.text).toBe("B 30 @ 150.00");
  });

  it("skips other symbols, unfilled orders, and fills with no time or price", () => {
    const orders = [
      filled({ symbol: "MSFT" }),
      order(),
      filled({ clientId: "d3", updatedAt: null }),
      filled({ clientId: "d4", averagePrice: null }),
      filled({ clientId: "d5", updatedAt: "2025-06-01T10:00:00Z" }), // before the loaded bars
    ];
    expect(fillMarks(orders, "AAPL", bars, "1")).toEqual([]);
  });

  it("shows one marker per intent when the history lists a replace chain's links", () => {
    const marks = fillMarks(
      [
        filled({ clOrdId: "c2", filled: "100", updatedAt: "2025-06-02T14:32:10Z" }),
        filled({ clOrdId: "c1", filled: "60", status: "REPLACED", updatedAt: "2025-06-02T14:31:10Z" }),
      ],
      "AAPL",
      bars,
      "1",
    );
    expect(marks.map((m) => [m.time, m.text])).toEqual([[t0 + 60, "B 100 @ 150.10"]]);
  });

  it("moves with the timeframe: the same fill on a 5-minute bar", () => {
    const five = [bar(t0 - 60), bar(t0 + 240)]; // 14:30 and 14:35
    expect(fillMarks([filled({ updatedAt: "2025-06-02T14:34:59Z" })], "AAPL", five, "5")[0].time).toBe(t0 - 60);
  });
});
