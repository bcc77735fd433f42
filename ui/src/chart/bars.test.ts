import { describe, expect, it } from "vitest";
import type { BarView } from "../bindings";
import {
  applyTick,
  barStart,
  changeAt,
  fromColumns,
  mergeOlder,
  takeNewest,
  toSeries,
  tradeTime,
  volumeDelta,
  type Reserve,
} from "./bars";

const at = (iso: string) => Date.parse(iso) / 1000;
const bar = (time: number, over: Partial<BarView> = {}): BarView => ({
  time,
  open: 100,
  high: 101,
  low: 99,
  close: 100.5,
  volume: 1000,
  ...over,
});
const colors = { up: "green", down: "red" };

describe("bars to series", () => {
  it("maps candles and colours volume by the candle's direction", () => {
    const bars = [bar(60), bar(120, { close: 99.5 }), bar(180, { volume: null })];
    const { candles, volumes } = toSeries(bars, colors);
    expect(candles[1]).toEqual({ time: 120, open: 100, high: 101, low: 99, close: 99.5 });
    expect(volumes).toEqual([
      { time: 60, value: 1000, color: "green" },
      { time: 120, value: 1000, color: "red" },
      { time: 180 }, // no volume (an index): a gap, not a zero column
    ]);
  });
});

describe("columns to bars and series", () => {
  const columns = {
    time: Float64Array.of(60, 120, 180),
    open: Float64Array.of(100, 100, 100),
    high: Float64Array.of(101, 101, 101),
    low: Float64Array.of(99, 99, 99),
    close: Float64Array.of(100.5, 99.5, 100.5),
    volume: Float64Array.of(1000, 1000, NaN),
  };

  it("gives the bars and the series toSeries gives for them, in one pass", () => {
    const { bars, series } = fromColumns(columns, colors);
    const expected = [bar(60), bar(120, { close: 99.5 }), bar(180, { volume: null })];
    expect(bars).toEqual(expected);
    expect(series.volumes).toEqual(toSeries(expected, colors).volumes);
  });

  it("hands each bar to the chart as its candle, without a copy", () => {
    const { bars, series } = fromColumns(columns, colors);
    expect(series.candles).toBe(bars);
    expect(series.candles[1]).toMatchObject({ time: 120, open: 100, high: 101, low: 99, close: 99.5 });
  });

  it("converts only the bars asked for", () => {
    expect(fromColumns(columns, colors, 1, 3).bars).toEqual([bar(120, { close: 99.5 }), bar(180, { volume: null })]);
    expect(fromColumns(columns, colors, 2, 2).bars).toEqual([]);
  });

  it("reads no columns as no bars", () => {
    const none = new Float64Array(0);
    const empty = { time: none, open: none, high: none, low: none, close: none, volume: none };
    expect(fromColumns(empty, colors)).toEqual({ bars: [], series: { candles: [], volumes: [] } });
  });
});

describe("a long page, a screenful at a time", () => {
  const n = 10;
  const times = Float64Array.from({ length: n }, (_, i) => 60 * (i + 1));
  const ones = new Float64Array(n).fill(1);
  const page = { time: times, open: ones, high: ones, low: ones, close: ones, volume: ones };

  it("hands the newest bars first and keeps the older rest", () => {
    const { page: newest, rest } = takeNewest(page, n, 4, colors);
    expect(newest.bars.map((b) => b.time)).toEqual([420, 480, 540, 600]);
    expect(newest.series.volumes).toHaveLength(4);
    expect(rest).toEqual({ columns: page, end: 6 });
  });

  it("gives every bar once, oldest last, and then nothing is left", () => {
    let shown = takeNewest(page, n, 4, colors);
    let bars = shown.page.bars;
    let rest: Reserve | null = shown.rest;
    const steps: number[] = [];
    while (rest) {
      shown = takeNewest(rest.columns, rest.end, 4, colors);
      steps.push(shown.page.bars.length);
      bars = mergeOlder(shown.page.bars, bars);
      rest = shown.rest;
    }
    expect(steps).toEqual([4, 2]);
    expect(bars.map((b) => b.time)).toEqual(Array.from(times));
  });

  it("keeps nothing back from a page that fits", () => {
    expect(takeNewest(page, n, n, colors).rest).toBeNull();
    expect(takeNewest(page, n, 50, colors).page.bars).toHaveLength(n);
  });
});

describe("live ticks", () => {
  const t0 = at("2025-06-02T14:31:00Z");

  it("moves the last bar within its period: close, high, low and volume", () => {
    let bars = [bar(t0 - 60), bar(t0)];
    bars = applyTick(bars, "1", { price: 102, volume: 50, time: t0 + 10 });
    bars = applyTick(bars, "1", { price: 98.5, volume: 25, time: t0 + 59.9 });
    expect(bars).toHaveLength(2);
    expect(bars[1]).toEqual({ time: t0, open: 100, high: 102, low: 98.5, close: 98.5, volume: 1075 });
  });

  it("opens a new bar at the trade's price when the trade crosses the boundary", () => {
    const bars = applyTick([bar(t0)], "5", { price: 103, volume: 7, time: t0 + 5 * 60 + 1 });
    expect(bars.map((b) => b.time)).toEqual([t0, t0 + 300]);
    expect(bars[1]).toEqual({ time: t0 + 300, open: 103, high: 103, low: 103, close: 103, volume: 7 });
  });

  it("keeps a volume gap when nothing traded is known", () => {
    expect(applyTick([bar(t0, { volume: null })], "1", { price: 1, time: t0 + 1 })[0].volume).toBeNull();
    expect(applyTick([bar(t0)], "1", { price: 1, time: t0 + 61 })[1].volume).toBeNull();
  });

  it("puts a trade in the bar of the exchange's time, not of this machine's clock", () => {
    // This machine's clock runs 2 s slow and the tick took 40 ms: by its arrival, still the 14:31 bar.
    const now = (t0 + 58) * 1000;
    const quote = { tradedAtMs: (t0 + 60.2) * 1000, ageMs: 40 };
    expect(tradeTime(quote, now)).toBe(t0 + 60.2);
    const bars = applyTick([bar(t0)], "1", { price: 101, volume: 5, time: tradeTime(quote, now) });
    expect(bars.map((b) => b.time)).toEqual([t0, t0 + 60]);
    // Without an exchange time, the arrival time is all there is.
    expect(tradeTime({ tradedAtMs: null, ageMs: 40 }, now)).toBe(t0 + 57.96);
  });

  it("never goes back in time: an early-stamped trade moves the last bar", () => {
    const bars = applyTick([bar(t0)], "1", { price: 100.7, time: t0 - 30 });
    expect(bars).toEqual([{ ...bar(t0), close: 100.7 }]);
  });

  it("cuts intraday bars on epoch boundaries, or in step with the bars we have", () => {
    const t = at("2025-06-02T14:47:30Z");
    expect(barStart(t, "1")).toBe(at("2025-06-02T14:47:00Z"));
    expect(barStart(t, "15")).toBe(at("2025-06-02T14:45:00Z"));
    expect(barStart(t, "60")).toBe(at("2025-06-02T14:00:00Z"));
    // hourly bars from the 09:30 open (13:30 UTC in summer)
    expect(barStart(t, "60", at("2025-06-02T13:30:00Z"))).toBe(at("2025-06-02T14:30:00Z"));
    const rolled = applyTick([bar(at("2025-06-02T13:30:00Z"))], "60", { price: 1, time: t });
    expect(rolled.map((b) => b.time)).toEqual([at("2025-06-02T13:30:00Z"), at("2025-06-02T14:30:00Z")]);
  });
});

describe("daily and weekly bars follow the New York calendar", () => {
  it("rolls the day at New York midnight, in summer and in winter time", () => {
    // 2025-03-09 is the first day of daylight time (UTC-4); January is UTC-5.
    expect(barStart(at("2025-03-10T03:59:59Z"), "1D")).toBe(at("2025-03-09T00:00:00Z"));
    expect(barStart(at("2025-03-10T04:00:00Z"), "1D")).toBe(at("2025-03-10T00:00:00Z"));
    expect(barStart(at("2025-01-15T04:59:59Z"), "1D")).toBe(at("2025-01-14T00:00:00Z"));
    expect(barStart(at("2025-01-15T05:00:00Z"), "1D")).toBe(at("2025-01-15T00:00:00Z"));
    // 2025-11-02 has 25 hours in New York
    expect(barStart(at("2025-11-03T04:59:59Z"), "1D")).toBe(at("2025-11-02T00:00:00Z"));
  });

  it("moves today's bar until New York midnight, then opens tomorrow's", () => {
    const monday = at("2025-03-10T00:00:00Z");
    let bars = applyTick([bar(monday)], "1D", { price: 104, volume: 10, time: at("2025-03-11T03:30:00Z") });
    expect(bars).toHaveLength(1);
    expect(bars[0]).toMatchObject({ close: 104, high: 104, volume: 1010 });
    bars = applyTick(bars, "1D", { price: 104.2, volume: 3, time: at("2025-03-11T04:00:05Z") });
    expect(bars.map((b) => b.time)).toEqual([monday, at("2025-03-11T00:00:00Z")]);
  });

  it("starts weeks on Monday, New York time", () => {
    // Sunday 23:59 in New York is still the week of Monday 3 March.
    expect(barStart(at("2025-03-10T03:59:00Z"), "1W")).toBe(at("2025-03-03T00:00:00Z"));
    expect(barStart(at("2025-03-10T04:00:00Z"), "1W")).toBe(at("2025-03-10T00:00:00Z"));
    expect(barStart(at("2025-03-16T12:00:00Z"), "1W")).toBe(at("2025-03-10T00:00:00Z"));
  });
});

describe("paging", () => {
  it("puts an older page in front, without the bars both pages have", () => {
    const bars = [bar(300), bar(360), bar(420)];
    const older = [bar(180), bar(240), bar(300, { close: 1 }), bar(360, { close: 1 })];
    const merged = mergeOlder(older, bars);
    expect(merged.map((b) => b.time)).toEqual([180, 240, 300, 360, 420]);
    expect(merged[2].close).toBe(100.5); // the bar we had wins
    expect(mergeOlder([], bars)).toEqual(bars);
    expect(mergeOlder(older, [])).toEqual(older);
  });
});

describe("legend figures", () => {
  it("gives the change from the previous close", () => {
    const bars = [bar(60, { close: 200 }), bar(120, { close: 205 })];
    expect(changeAt(bars, 1)).toEqual({ change: 5, percent: 2.5 });
    expect(changeAt(bars, 0)).toBeNull();
  });

  it("turns a quote's day volume into shares traded per tick", () => {
    expect(volumeDelta(1000, 1250)).toBe(250);
    expect(volumeDelta(null, 1250)).toBeUndefined();
    expect(volumeDelta(90_000, 300)).toBe(300); // a new day restarted the count
  });
});
