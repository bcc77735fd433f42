import { describe, expect, it } from "vitest";
import type { PositionView } from "../bindings";
import { Dec, fromNumber, parse, sum } from "./decimal";
import * as fmt from "./money";
import { closingOrder, positionFigures, totals } from "./pnl";

const position = (over: Partial<PositionView> = {}): PositionView => ({
  symbol: "AAPL",
  quantity: "100",
  averagePrice: "170.25",
  marketValue: "17540.00",
  unrealizedPl: "515.00",
  dailyPl: "125.00",
  realizedPl: null,
  ...over,
});
const mark = (last: number | null, change: number | null = null) => ({ last, change });
/** The exact decimal as text, for comparisons that floats would fail. */
const text = (d: { toFixed: () => string } | null) => (d === null ? null : d.toFixed());

describe("decimals", () => {
  it("add 0.1 and 0.2 to exactly 0.3", () => {
    expect(0.1 + 0.2).not.toBe(0.3); // why floats are not used
    expect(text(sum([parse("0.1"), parse("0.2")]))).toBe("0.3");
  });

  it("refuse floats and silent conversion", () => {
    expect(() => new Dec(0.1 as unknown as string)).toThrow();
    expect(() => `${Number(new Dec("1"))}`).toThrow();
  });

  it("read a quote's number as the decimal it prints as", () => {
    expect(text(fromNumber(189.32))).toBe("189.32");
    expect(fromNumber(null)).toBeNull();
    expect(fromNumber(Number.NaN)).toBeNull();
  });

  it("read missing or bad strings as null", () => {
    expect(parse(null)).toBeNull();
    expect(parse("")).toBeNull();
    expect(parse("12,5")).toBeNull();
    expect(sum([parse("1"), null])).toBeNull();
  });
});

describe("positionFigures", () => {
  it("values a long at the live last price", () => {
    const f = positionFigures(position(), mark(176));
    expect(text(f.last)).toBe("176");
    expect(text(f.marketValue)).toBe("17600");
    expect(text(f.costBasis)).toBe("17025");
    expect(text(f.unrealized)).toBe("575"); // (176 − 170.25) × 100
    expect(fmt.percent(f.unrealizedPercent)).toBe("+3.38%"); // 575 / 17025
    // Aries's day P&L (125 at its mark 175.40) moved to 176: + (17600 − 17540).
    expect(text(f.dayPl)).toBe("185");
    expect(f.daySource).toBe("live");
  });

  it("values a short: negative quantity, gains as the price falls", () => {
    const short = position({
      symbol: "TSLA",
      quantity: "-100",
      averagePrice: "50",
      marketValue: "-4600.00",
      unrealizedPl: "400.00",
      dailyPl: "-30.00",
    });
    const f = positionFigures(short, mark(45));
    expect(text(f.marketValue)).toBe("-4500");
    expect(text(f.costBasis)).toBe("-5000");
    expect(text(f.unrealized)).toBe("500"); // (45 − 50) × −100
    expect(text(f.unrealizedPercent)).toBe("10"); // 500 / |−5000|
    expect(text(f.dayPl)).toBe("70"); // −30 + (−4500 − (−4600))
    const up = positionFigures(short, mark(55));
    expect(text(up.unrealized)).toBe("-500");
    expect(fmt.tone(up.unrealized)).toBe("down");
  });

  it("is exact where floats are not: 0.1 and 0.3", () => {
    expect((0.3 - 0.1) * 1).not.toBe(0.2);
    const f = positionFigures(position({ quantity: "1", averagePrice: "0.1", marketValue: null, dailyPl: null }), mark(0.3));
    expect(text(f.unrealized)).toBe("0.2");
    expect(text(f.unrealizedPercent)).toBe("200");
  });

  it("is exact for large quantities at 4-decimal prices", () => {
    const big = position({
      quantity: "987654321",
      averagePrice: "12345.6788",
      marketValue: null,
      unrealizedPl: null,
      dailyPl: null,
    });
    const f = positionFigures(big, mark(12345.6789));
    expect(String(987654321 * 12345.6789)).not.toBe("12193263111263.5269"); // a float loses the last digits
    expect(text(f.marketValue)).toBe("12193263111263.5269");
    expect(text(f.unrealized)).toBe("98765.4321");
    expect(fmt.money(f.marketValue)).toBe("12,193,263,111,263.53");
    const shortBig = positionFigures({ ...big, quantity: "-250000", averagePrice: "1234.5678" }, mark(1230.1234));
    expect(text(shortBig.marketValue)).toBe("-307530850");
    expect(text(shortBig.unrealized)).toBe("1111100");
  });

  it("without a live price shows Aries's own figures", () => {
    const f = positionFigures(position(), undefined);
    expect(f.last).toBeNull();
    expect(text(f.marketValue)).toBe("17540");
    expect(text(f.unrealized)).toBe("515");
    expect(text(f.dayPl)).toBe("125");
    expect(f.daySource).toBe("aries");
    // A quote with no last yet is no live price either.
    expect(text(positionFigures(position(), mark(null)).marketValue)).toBe("17540");
  });

  it("derives unrealized from Aries's market value when it sends no unrealized P&L", () => {
    const f = positionFigures(position({ unrealizedPl: null }), undefined);
    expect(text(f.unrealized)).toBe("515"); // 17540 − 17025
  });

  it("estimates day P&L from the quote's change only when Aries sends none", () => {
    const f = positionFigures(position({ dailyPl: null }), mark(176, 1.1));
    expect(text(f.dayPl)).toBe("110");
    expect(f.daySource).toBe("estimated");
    expect(positionFigures(position({ dailyPl: null }), mark(176)).dayPl).toBeNull();
  });

  it("leaves what it cannot know empty", () => {
    const f = positionFigures(
      position({ averagePrice: null, marketValue: null, unrealizedPl: null, dailyPl: null }),
      undefined,
    );
    expect([f.costBasis, f.marketValue, f.unrealized, f.unrealizedPercent, f.dayPl]).toEqual([
      null,
      null,
      null,
      null,
      null,
    ]);
    const zeroCost = positionFigures(position({ averagePrice: "0" }), mark(1));
    expect(zeroCost.unrealizedPercent).toBeNull(); // no division by zero
  });
});

describe("totals", () => {
  it("sums long and short exactly; % is over the gross cost", () => {
    const rows = [
      positionFigures(position({ quantity: "1", averagePrice: "1.0", dailyPl: "0.1" }), undefined),
      positionFigures(position({ symbol: "X", quantity: "-1", averagePrice: "2", dailyPl: "0.2" }), undefined),
    ];
    // Aries's fields: unrealized 515 each, market value 17540 each.
    const t = totals(rows);
    expect(text(t.dayPl)).toBe("0.3");
    expect(text(t.marketValue)).toBe("35080");
    expect(text(t.costBasis)).toBe("-1"); // 1 − 2
    expect(text(t.unrealized)).toBe("1030");
    expect(text(t.unrealizedPercent)).toBe(text(new Dec("1030").div("3").times("100"))); // over |1| + |−2|
    expect(t.dayEstimated).toBe(false);
  });

  it("is empty when any row lacks the figure", () => {
    const rows = [positionFigures(position(), undefined), positionFigures(position({ dailyPl: null }), undefined)];
    const t = totals(rows);
    expect(t.dayPl).toBeNull();
    expect(text(t.marketValue)).toBe("35080");
  });
});

describe("closingOrder", () => {
  it("sells a long and buys back a short, whole quantity", () => {
    expect(closingOrder(position({ quantity: "100.000" }))).toEqual({ symbol: "AAPL", side: "SELL", quantity: "100" });
    expect(closingOrder(position({ symbol: "TSLA", quantity: "-5" }))).toEqual({
      symbol: "TSLA",
      side: "BUY",
      quantity: "5",
    });
    expect(closingOrder(position({ quantity: "0.5" }))?.quantity).toBe("0.5");
    expect(closingOrder(position({ quantity: "1e21" }))?.quantity).toBe("1000000000000000000000"); // never exponent notation
    expect(closingOrder(position({ quantity: "0" }))).toBeNull();
  });
});

describe("money text", () => {
  it("rounds half up and groups without a float in between", () => {
    expect(fmt.money(parse("1234567.005"))).toBe("1,234,567.01");
    expect(fmt.money(parse("-1234.565"))).toBe("-1,234.57");
    expect(fmt.money(parse("-0.004"))).toBe("0.00");
    expect(fmt.money(parse("9007199254740993.01"))).toBe("9,007,199,254,740,993.01"); // above 2^53
    expect(fmt.pl(parse("12.5"))).toBe("+12.50");
    expect(fmt.pl(parse("0"))).toBe("0.00");
    expect(fmt.pl(null)).toBe("—");
  });

  it("shows prices with 2 to 4 decimals and quantities as sent", () => {
    expect(fmt.price(parse("189.3"))).toBe("189.30");
    expect(fmt.price(parse("0.0001"))).toBe("0.0001");
    expect(fmt.price(parse("12.34567"))).toBe("12.3457");
    expect(fmt.price(parse("1500"))).toBe("1,500.00");
    expect(fmt.quantity(parse("-12500.50")!)).toBe("-12,500.5");
  });
});
