// The chart's data, without the DOM: history bars to lightweight-charts series,
// older pages merged in front, and live ticks moving the last bar.
import type { CandlestickData, HistogramData, UTCTimestamp, WhitespaceData } from "lightweight-charts";
import type { BarColumns, BarView, QuoteView } from "../bindings";
import { nyDay, weekOf, type Period } from "./time";

/** The timeframes offered, as TradingView UDF resolutions. */
export const RESOLUTIONS = [
  { id: "1", label: "1m" },
  { id: "5", label: "5m" },
  { id: "15", label: "15m" },
  { id: "60", label: "1h" },
  { id: "1D", label: "1D" },
  { id: "1W", label: "1W" },
] as const;
export type Resolution = (typeof RESOLUTIONS)[number]["id"];

export const isResolution = (value: unknown): value is Resolution => RESOLUTIONS.some((r) => r.id === value);
export const resolutionLabel = (r: Resolution) => RESOLUTIONS.find((x) => x.id === r)?.label ?? r;

export function periodOf(resolution: Resolution): Period {
  if (resolution === "1D") return "day";
  if (resolution === "1W") return "week";
  return "intraday";
}

/** One bar's nominal length in seconds. */
export function barSeconds(resolution: Resolution): number {
  const period = periodOf(resolution);
  if (period === "day") return 86_400;
  if (period === "week") return 7 * 86_400;
  return Number(resolution) * 60;
}

const mod = (a: number, n: number) => ((a % n) + n) % n;

/**
 * The start of the bar a trade at `time` belongs to. Intraday bars keep the
 * phase of `anchor`, the start of a bar we already have: Aries aligns them to
 * the session open, so hourly bars may start at :30 (09:30). Daily and weekly
 * bars follow the New York calendar (weeks start on Monday).
 */
export function barStart(time: number, resolution: Resolution, anchor = 0): number {
  const period = periodOf(resolution);
  if (period === "intraday") return time - mod(time - anchor, barSeconds(resolution));
  const day = nyDay(time);
  return period === "day" ? day : weekOf(day);
}

export type SeriesColors = { up: string; down: string };

export const candle = (bar: BarView): CandlestickData<UTCTimestamp> => ({
  time: bar.time as UTCTimestamp,
  open: bar.open,
  high: bar.high,
  low: bar.low,
  close: bar.close,
});

/** A volume column coloured like its candle; a gap where there is no volume (indices). */
export function volumeBar(
  bar: BarView,
  colors: SeriesColors,
): HistogramData<UTCTimestamp> | WhitespaceData<UTCTimestamp> {
  const time = bar.time as UTCTimestamp;
  if (bar.volume === null) return { time };
  return { time, value: bar.volume, color: bar.close >= bar.open ? colors.up : colors.down };
}

export type Series = {
  candles: CandlestickData<UTCTimestamp>[];
  volumes: (HistogramData<UTCTimestamp> | WhitespaceData<UTCTimestamp>)[];
};

export function toSeries(bars: readonly BarView[], colors: SeriesColors): Series {
  return { candles: bars.map(candle), volumes: bars.map((b) => volumeBar(b, colors)) };
}

/** A bar that is also its own candle: lightweight-charts reads a candle's time and OHLC and ignores `volume`. */
type CandleBar = BarView & CandlestickData<UTCTimestamp>;

/**
 * Bars `start`..`end` of `chart_history`'s columns (columns.ts) to bars and
 * both series in one pass. Each bar object is its own candle, so 100,000 bars
 * cost 100,000 objects fewer than `toSeries` (docs/benchmarks.md, "Chart:
 * 100,000 one-minute bars").
 */
export function fromColumns(
  columns: BarColumns,
  colors: SeriesColors,
  start = 0,
  end = columns.time.length,
): { bars: BarView[]; series: Series } {
  const { time, open, high, low, close, volume } = columns;
  const n = Math.max(0, end - start);
  const bars: CandleBar[] = new Array(n);
  const volumes: Series["volumes"] = new Array(n);
  for (let i = 0; i < n; i++) {
    const k = start + i;
    const v = volume[k];
    const bar: CandleBar = {
      time: time[k] as UTCTimestamp,
      open: open[k],
      high: high[k],
      low: low[k],
      close: close[k],
      volume: Number.isNaN(v) ? null : v,
    };
    bars[i] = bar;
    volumes[i] = volumeBar(bar, colors);
  }
  return { bars, series: { candles: bars, volumes } };
}

/** Fetched bars not yet handed to the chart: the first `end` bars of `columns`, the oldest part of a long page. */
export type Reserve = { columns: BarColumns; end: number };

/**
 * The newest `count` of the first `end` bars of `columns`, converted, and the
 * older rest held back (null once nothing is left). lightweight-charts' setData
 * costs per point whether or not a point is on screen, so a long page is
 * handed over a screenful at a time, as the trader scrolls back
 * (docs/benchmarks.md, "Chart: 100,000 one-minute bars").
 */
export function takeNewest(
  columns: BarColumns,
  end: number,
  count: number,
  colors: SeriesColors,
): { page: { bars: BarView[]; series: Series }; rest: Reserve | null } {
  const start = Math.max(0, end - count);
  return { page: fromColumns(columns, colors, start, end), rest: start > 0 ? { columns, end: start } : null };
}

/** An older page in front of `bars`, without the bars both have (pages may overlap). */
export function mergeOlder(older: readonly BarView[], bars: readonly BarView[]): BarView[] {
  const first = bars[0]?.time ?? Infinity;
  return [...older.filter((b) => b.time < first), ...bars];
}

/** A trade: its price, the shares traded since the previous one when known, and its time (Unix seconds). */
export type Tick = { price: number; volume?: number; time: number };

/**
 * `bars` after a trade: the last bar moves, or a new bar opens at the trade's
 * price once the trade is past the last bar's period. A trade stamped before
 * the last bar (clock skew) moves the last bar: the chart can only update its
 * newest bar.
 */
export function applyTick(bars: readonly BarView[], resolution: Resolution, tick: Tick): BarView[] {
  const last = bars.at(-1);
  const start = barStart(tick.time, resolution, last?.time);
  if (!last || start > last.time) {
    const p = tick.price;
    return [...bars, { time: start, open: p, high: p, low: p, close: p, volume: tick.volume ?? null }];
  }
  const next = bars.slice();
  next[next.length - 1] = {
    ...last,
    close: tick.price,
    high: Math.max(last.high, tick.price),
    low: Math.min(last.low, tick.price),
    volume: tick.volume === undefined ? last.volume : (last.volume ?? 0) + tick.volume,
  };
  return next;
}

/**
 * When a streamed trade happened, in Unix seconds: by the exchange's clock when
 * the quote carries its trade time, else when it reached this machine (`ageMs`
 * before `now`). The exchange's time puts a trade in its own bar even when it
 * arrives late or this machine's clock is off (docs/aries-api.md §10.2).
 */
export function tradeTime(quote: Pick<QuoteView, "tradedAtMs" | "ageMs">, now = Date.now()): number {
  return (quote.tradedAtMs ?? now - quote.ageMs) / 1000;
}

/** Shares traded between two readings of a quote's day volume, which restarts with each day. */
export function volumeDelta(previous: number | null, current: number | null): number | undefined {
  if (previous === null || current === null) return undefined;
  return current >= previous ? current - previous : current;
}

/** Change of bar `i`'s close from the previous bar's close, absolute and in percent. */
export function changeAt(bars: readonly BarView[], i: number): { change: number; percent: number } | null {
  const bar = bars[i];
  const previous = bars[i - 1];
  if (!bar || !previous || previous.close === 0) return null;
  const change = bar.close - previous.close;
  return { change, percent: (change / previous.close) * 100 };
}
