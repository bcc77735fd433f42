import {
  CandlestickSeries,
  ColorType,
  CrosshairMode,
  HistogramSeries,
  LineStyle,
  createChart,
  createSeriesMarkers,
  type IPriceLine,
  type ISeriesMarkersPluginApi,
  type SeriesMarker,
  type Time,
  type TickMarkType,
  type UTCTimestamp,
} from "lightweight-charts";
import { For, Match, Show, Switch, createEffect, createMemo, createSignal, on, onCleanup } from "solid-js";
import type { AppError, BarColumns, BarView, OrderView } from "../bindings";
import { toAppError } from "../errors";
import * as fmt from "../format";
import * as ipc from "../ipc";
import type { QuoteBook } from "../quotes/book";
import { applied } from "../theme/look";
import { createAction } from "../ui/action";
import { ErrorNote } from "../ui/ErrorNote";
import { storedFields } from "../ui/stored";
import {
  RESOLUTIONS,
  applyTick,
  barSeconds,
  candle,
  changeAt,
  fromColumns,
  isResolution,
  mergeOlder,
  periodOf,
  resolutionLabel,
  takeNewest,
  toSeries,
  tradeTime,
  volumeBar,
  volumeDelta,
  type Reserve,
  type Resolution,
  type Series,
} from "./bars";
import { barCount } from "./columns";
import { fillMarks, orderLines, type FillMark, type OrderLine } from "./marks";
import { tickLabel, timeLabel, type Zone } from "./time";

type ChartState = "loading" | "ready" | "empty" | "error";

/** One step of showing a page, for the benchmark's laps. */
type DrawStep = "convert" | "bars" | "candles" | "volumes" | "scroll";

/**
 * Where a span's time went, in ms: clearing the chart (as a load does), the
 * IPC call, columns → bars and series, drawing (each step of it in `steps`),
 * and the wait for the next frame.
 */
type SpanTimes = {
  /** Bars fetched, and of them handed to the chart at once (the rest wait in the reserve). */
  bars: number;
  shown: number;
  clearMs: number;
  fetchMs: number;
  convertMs: number;
  drawMs: number;
  steps: Record<DrawStep, number>;
  frameMs: number;
};

const nextFrame = () => new Promise<number>((done) => requestAnimationFrame(done));

declare global {
  interface Window {
    __ariesChart?: {
      /** Lets the end-to-end test scroll to the oldest bar, as a drag would. */
      scrollBack: () => void;
      /**
       * The chart benchmark (tests/bench/chart-bars.mjs): one span of bars shown as a load shows
       * them; `screen` overrides how many are handed to the chart at once (its baseline: all).
       */
      showSpan: (from: number, to: number, screen?: number) => Promise<SpanTimes>;
      /** The fill markers as drawn, with their bar's x in the chart: the end-to-end test points at one. */
      fillMarkers: () => { x: number | null; text: string; label: string }[];
    };
  }
}

/** Bars per history request: the first screen, and each page further back. */
const PAGE_BARS = 300;
/** How many ever wider spans an empty page tries (weekends, holidays) before we call it the start of the data. */
const WIDENINGS = 4;
/**
 * Of a longer page, the bars handed to the chart at once: more than a screen
 * shows even at the library's narrowest bar spacing (0.5 px). The rest wait in
 * memory and follow a screenful at a time as the trader scrolls back.
 */
const SCREEN_BARS = 4_000;
/** Scrolled this close to the oldest bar, the next page back loads. */
const PAGE_MARGIN = 10;
/** Empty bar slots right of the newest bar. */
const RIGHT_OFFSET = 4;

const ZONES: { id: Zone; label: string; title: string }[] = [
  { id: "ny", label: "NY", title: "Time axis in New York (exchange) time" },
  { id: "local", label: "Local", title: "Time axis in this computer's time zone" },
];

/** The newest bars before `to`; an empty span is widened back, doubling, over gaps like weekends. */
async function barsBefore(symbol: string, resolution: Resolution, to: number): Promise<BarColumns | null> {
  let span = PAGE_BARS * barSeconds(resolution);
  for (let i = 0; i < WIDENINGS && to > 1; i++) {
    const from = Math.max(1, to - span);
    const columns = await ipc.chartHistory(symbol, resolution, from, to);
    if (barCount(columns) > 0) return columns;
    to = from;
    span *= 2;
  }
  return null;
}

// Timeframe and time zone are remembered per chart; they hold nothing secret.
type Prefs = { resolution: Resolution; zone: Zone };
const prefsKey = (id: string) => `aries-desk.chart.${id}`;

function readPrefs(id: string): Prefs {
  const field = storedFields(localStorage.getItem(prefsKey(id)));
  const resolution = field("resolution");
  return { resolution: isResolution(resolution) ? resolution : "1", zone: field("zone") === "local" ? "local" : "ny" };
}

function writePrefs(id: string, prefs: Prefs) {
  try {
    localStorage.setItem(prefsKey(id), JSON.stringify(prefs));
  } catch {
    // storage full or disabled: the choice lasts until the window closes
  }
}

/** The theme's colours, from the CSS variables in styles.css. */
function themeColors() {
  const css = getComputedStyle(document.documentElement);
  const v = (name: string) => css.getPropertyValue(name).trim();
  return {
    font: css.fontFamily,
    panel: v("--panel"),
    text: v("--muted"),
    line: v("--line"),
    grid: v("--chart-grid"),
    up: v("--up"),
    down: v("--down"),
    unknown: v("--unknown"),
    volume: { up: v("--chart-volume-up"), down: v("--chart-volume-down") },
  };
}

const sameMark = (a: FillMark, b: FillMark | undefined) =>
  b !== undefined && a.key === b.key && a.time === b.time && a.price === b.price && a.text === b.text && a.buy === b.buy;

const VOLUME = new Intl.NumberFormat("en-US", { notation: "compact", maximumFractionDigits: 2 });

/**
 * Candles and volume of one symbol: history pages back on scroll, live quotes
 * move the last bar. The selected account's `orders` (the Orders panel's rows)
 * are drawn over them: working ones as price lines, fills as markers.
 */
export function Chart(props: { book: QuoteBook; symbol: string; id: string; orders: readonly OrderView[] }) {
  const saved = readPrefs(props.id);
  const [resolution, setResolution] = createSignal(saved.resolution);
  const [zone, setZone] = createSignal(saved.zone);
  const remember = () => writePrefs(props.id, { resolution: resolution(), zone: zone() });

  const [bars, setBars] = createSignal<BarView[]>([]);
  const [state, setState] = createSignal<ChartState>("loading");
  const [loadError, setLoadError] = createSignal<AppError | null>(null);
  const [hovered, setHovered] = createSignal<number | null>(null);
  // Bumped by every (re)load, so answers for an earlier symbol or timeframe are dropped.
  let generation = 0;
  // No older bars exist for the current symbol and timeframe.
  let exhausted = false;
  // Whose bars are on screen: a quote of the next symbol may arrive before its load starts.
  let shown = "";
  // The older part of a long page, not yet handed to the chart: scrolling back takes it before asking Aries.
  let reserve: Reserve | null = null;

  // The chart draws into its own element, placed in the panel below; with
  // autoSize it follows that element's size once it is on screen.
  const host = document.createElement("div");
  host.className = "chart-canvas";
  let colors = themeColors();
  const chartColors = () => ({
    layout: {
      background: { type: ColorType.Solid, color: colors.panel },
      textColor: colors.text,
      fontFamily: colors.font,
    },
    grid: { vertLines: { color: colors.grid }, horzLines: { color: colors.grid } },
    rightPriceScale: { borderColor: colors.line },
    timeScale: { borderColor: colors.line },
  });
  const candleColors = () => ({
    upColor: colors.up,
    downColor: colors.down,
    wickUpColor: colors.up,
    wickDownColor: colors.down,
  });
  const chart = createChart(host, {
    ...chartColors(),
    autoSize: true,
    // Its logo needs an inline <style>, which the CSP refuses; the header links to TradingView instead.
    layout: { ...chartColors().layout, attributionLogo: false },
    timeScale: { ...chartColors().timeScale, rightOffset: RIGHT_OFFSET },
    crosshair: { mode: CrosshairMode.Normal },
  });
  const candles = chart.addSeries(CandlestickSeries, {
    ...candleColors(),
    borderVisible: false,
    priceLineVisible: true,
  });
  candles.priceScale().applyOptions({ scaleMargins: { top: 0.08, bottom: 0.25 } });
  // Volume overlays the bottom fifth of the price pane, on its own hidden scale.
  const volumes = chart.addSeries(HistogramSeries, {
    priceScaleId: "volume",
    priceFormat: { type: "volume" },
    priceLineVisible: false,
    lastValueVisible: false,
  });
  chart.priceScale("volume").applyOptions({ scaleMargins: { top: 0.8, bottom: 0 } });
  const timeScale = chart.timeScale();

  /** `lap` marks the end of each step (the benchmark times them; nothing else passes one). */
  function draw(list: BarView[], series: Series = toSeries(list, colors.volume), lap = (_: DrawStep) => {}) {
    setBars(list);
    lap("bars");
    candles.setData(series.candles);
    lap("candles");
    volumes.setData(series.volumes);
    lap("volumes");
  }

  /** A first page on screen: drawn, then scrolled to the newest bar at once. */
  function showNewest(list: BarView[], series?: Series, lap = (_: DrawStep) => {}) {
    draw(list, series, lap);
    // scrollToRealTime animates, and paging would start from the old position mid-way.
    timeScale.scrollToPosition(RIGHT_OFFSET, false);
    lap("scroll");
  }

  /** A fetched page on screen: its newest screenful drawn, the rest kept in the reserve. */
  function showPage(page: BarColumns, lap = (_: DrawStep) => {}, screen = SCREEN_BARS): number {
    const { page: newest, rest } = takeNewest(page, barCount(page), screen, colors.volume);
    lap("convert");
    reserve = rest;
    showNewest(newest.bars, newest.series, lap);
    return newest.bars.length;
  }

  async function load(symbol: string, res: Resolution) {
    const mine = ++generation;
    shown = symbol;
    exhausted = false;
    reserve = null;
    older.clearError();
    setLoadError(null);
    setState("loading");
    draw([]);
    try {
      // A minute past now, so the bar in progress is in even if the clocks differ a little.
      const page = await barsBefore(symbol, res, Math.floor(Date.now() / 1000) + 60);
      if (mine !== generation) return;
      // Scrolled to the newest bar, and only then "ready", which lets paging run.
      if (page) showPage(page);
      setState(page ? "ready" : "empty");
    } catch (err) {
      if (mine !== generation) return;
      setLoadError(toAppError(err));
      setState("error");
    }
  }

  const older = createAction(async () => {
    const mine = generation;
    const first = bars()[0];
    if (!first || exhausted) return;
    let page: BarView[];
    if (reserve) {
      const { page: next, rest } = takeNewest(reserve.columns, reserve.end, SCREEN_BARS, colors.volume);
      reserve = rest;
      page = next.bars;
    } else {
      let columns: BarColumns | null;
      try {
        columns = await barsBefore(props.symbol, resolution(), first.time);
      } catch (err) {
        if (mine === generation) throw err;
        return;
      }
      if (mine !== generation) return;
      if (!columns) {
        exhausted = true;
        return;
      }
      page = fromColumns(columns, colors.volume).bars;
    }
    // Read bars() again: live ticks may have moved the last bar meanwhile.
    const merged = mergeOlder(page, bars());
    const added = merged.length - bars().length;
    const range = timeScale.getVisibleLogicalRange();
    draw(merged);
    // Logical indices count from the oldest bar: shift by what was prepended, so nothing jumps.
    if (range) timeScale.setVisibleLogicalRange({ from: range.from + added, to: range.to + added });
  });

  createEffect(on([() => props.symbol, resolution], ([symbol, res]) => void load(symbol, res)));

  // The canvas does not follow CSS: a theme or up/down change re-reads the variables
  // (look.ts sets them before it signals) and repaints, volume bars included.
  createEffect(
    on(
      applied,
      () => {
        colors = themeColors();
        chart.applyOptions(chartColors());
        candles.applyOptions(candleColors());
        volumes.setData(toSeries(bars(), colors.volume).volumes);
      },
      { defer: true },
    ),
  );

  // The trader's orders over the candles (marks.ts). Lines are kept by order, so
  // a replace moves its line and a fill or cancel takes it away; after the
  // theme effect above, so they take the colours it has just read.
  const lines = new Map<string, IPriceLine>();
  const lineOptions = (l: OrderLine) => ({
    price: l.price,
    title: l.title,
    color: l.unknown ? colors.unknown : l.buy ? colors.up : colors.down,
    lineWidth: 1 as const,
    lineStyle: l.unknown ? LineStyle.Dotted : l.kind === "stop" ? LineStyle.Dashed : LineStyle.Solid,
    lineVisible: true,
    axisLabelVisible: true,
  });
  const wantedLines = createMemo(() => orderLines(props.orders, props.symbol));
  createEffect(() => {
    applied();
    const wanted = wantedLines();
    const keys = new Set(wanted.map((l) => l.key));
    for (const [key, line] of lines) {
      if (keys.has(key)) continue;
      candles.removePriceLine(line);
      lines.delete(key);
    }
    for (const l of wanted) {
      const line = lines.get(l.key);
      if (line) line.applyOptions(lineOptions(l));
      else lines.set(l.key, candles.createPriceLine(lineOptions(l)));
    }
  });

  // Bars change with every tick; the markers only when one moves to another bar or an order fills more.
  const marks = createMemo(() => fillMarks(props.orders, props.symbol, bars(), resolution()), [], {
    equals: (a, b) => a.length === b.length && a.every((m, i) => sameMark(m, b[i])),
  });
  const marker = (m: FillMark): SeriesMarker<Time> => ({
    time: m.time as UTCTimestamp,
    // A buy's arrow points up at its price from below, a sell's down from above.
    position: m.buy ? "atPriceBottom" : "atPriceTop",
    price: m.price,
    shape: m.buy ? "arrowUp" : "arrowDown",
    color: m.buy ? colors.up : colors.down,
    // Centred on the bar: the whole text ran off the right edge on the newest bars; the legend has it.
    text: m.label,
  });
  // The markers plugin re-reads the whole series (`series.data()`, an object per bar) in the
  // frame after every data change, a live tick's included, markers or not: with 100,000 bars
  // that is most of a frame (docs/benchmarks.md). So it is attached only while there are fills.
  let fills: ISeriesMarkersPluginApi<Time> | null = null;
  createEffect(() => {
    applied();
    const list = marks().map(marker);
    if (list.length === 0) {
      fills?.detach();
      fills = null;
    } else if (fills) {
      fills.setMarkers(list);
    } else {
      fills = createSeriesMarkers<Time>(candles, list);
    }
  });

  // Axis and crosshair labels follow the timeframe and the chosen zone.
  createEffect(() => {
    const period = periodOf(resolution());
    const z = zone();
    chart.applyOptions({
      localization: { timeFormatter: (time: Time) => (typeof time === "number" ? timeLabel(time, period, z) : "") },
      timeScale: {
        timeVisible: period === "intraday",
        tickMarkFormatter: (time: Time, type: TickMarkType) =>
          typeof time === "number" ? tickLabel(time, type, period, z) : null,
      },
    });
  });

  // Live: each new trade price (or volume) of the chart's symbol moves the last bar.
  // The quote's volume is the day's total; what a tick adds is the difference.
  let seen: { symbol: string; volume: number | null } | null = null;
  const quote = () => props.book.rows[props.symbol];
  createEffect(
    on([() => quote()?.last, () => quote()?.volume], ([last, volume = null]) => {
      const symbol = props.symbol;
      const traded = seen?.symbol === symbol ? volumeDelta(seen.volume, volume) : undefined;
      seen = { symbol, volume };
      const q = quote();
      // Snapshots and REST quotes repeat a known price, maybe from a closed session: not a trade now.
      if (last == null || q?.source !== "update" || shown !== symbol || state() !== "ready") return;
      const next = applyTick(bars(), resolution(), { price: last, volume: traded, time: tradeTime(q) });
      setBars(next);
      const bar = next[next.length - 1];
      candles.update(candle(bar));
      volumes.update(volumeBar(bar, colors.volume));
    }),
  );

  chart.subscribeCrosshairMove((p) => setHovered(p.logical === undefined ? null : Math.round(p.logical)));
  timeScale.subscribeVisibleLogicalRangeChange((range) => {
    if (range && range.from < PAGE_MARGIN && state() === "ready") void older.run();
  });
  window.__ariesChart = {
    fillMarkers: () =>
      (fills?.markers() ?? []).map((m) => ({
        x: timeScale.timeToCoordinate(m.time),
        label: m.text ?? "",
        text: marks().find((f) => f.time === m.time && f.label === m.text)?.text ?? "",
      })),
    scrollBack: () => {
      const range = timeScale.getVisibleLogicalRange();
      timeScale.setVisibleLogicalRange({ from: 0, to: range ? range.to - range.from : 100 });
    },
    // The steps of load(), timed: "ready" is after setData and the next animation frame
    // (the chart paints in a frame callback it queued during setData, so before ours).
    showSpan: async (from, to, screen) => {
      const mine = ++generation;
      reserve = null;
      const cleared = performance.now();
      draw([]);
      const started = performance.now();
      const columns = await ipc.chartHistory(props.symbol, resolution(), from, to);
      const fetched = performance.now();
      const steps: Record<DrawStep, number> = { convert: 0, bars: 0, candles: 0, volumes: 0, scroll: 0 };
      let last = fetched;
      const lap = (step: DrawStep) => {
        const now = performance.now();
        steps[step] = now - last;
        last = now;
      };
      const shown = mine === generation ? showPage(columns, lap, screen) : 0;
      const drawn = performance.now();
      await nextFrame();
      const painted = performance.now();
      return {
        bars: barCount(columns),
        shown,
        clearMs: started - cleared,
        fetchMs: fetched - started,
        convertMs: steps.convert,
        drawMs: drawn - fetched - steps.convert,
        steps,
        frameMs: painted - drawn,
      };
    },
  };
  onCleanup(() => {
    generation++;
    delete window.__ariesChart;
    chart.remove();
  });

  // The legend shows the bar under the crosshair, else the newest.
  const legendIndex = () => {
    const h = hovered();
    const n = bars().length;
    return h !== null && h >= 0 && h < n ? h : n - 1;
  };
  const legendBar = () => bars()[legendIndex()];
  const pick = (r: Resolution) => {
    setResolution(r);
    remember();
  };

  return (
    <section
      class="panel chart-panel"
      aria-label="Chart"
      data-testid="chart"
      data-state={state()}
      data-bars={bars().length}
      data-last-close={bars().at(-1)?.close}
      data-resolution={resolution()}
      data-order-lines={wantedLines()
        .map((l) => `${l.title} @ ${l.price}`)
        .join("; ")}
      data-fill-marks={marks()
        .map((m) => m.text)
        .join("; ")}
    >
      <header class="chart-head">
        <h2 class="chart-symbol" data-testid="chart-symbol">
          {props.symbol}
        </h2>
        <div class="segmented" role="group" aria-label="Timeframe">
          <For each={RESOLUTIONS}>
            {(r) => (
              <button
                type="button"
                class="small"
                data-testid={`timeframe-${r.id}`}
                aria-pressed={resolution() === r.id}
                onClick={() => pick(r.id)}
              >
                {r.label}
              </button>
            )}
          </For>
        </div>
        <div class="segmented" role="group" aria-label="Time axis">
          <For each={ZONES}>
            {(z) => (
              <button
                type="button"
                class="small"
                data-testid={`zone-${z.id}`}
                title={periodOf(resolution()) === "intraday" ? z.title : "Daily and weekly bars are exchange dates"}
                disabled={periodOf(resolution()) !== "intraday"}
                aria-pressed={zone() === z.id}
                onClick={() => {
                  setZone(z.id);
                  remember();
                }}
              >
                {z.label}
              </button>
            )}
          </For>
        </div>
        <span class="spacer" />
        {/* A link would navigate the webview; the system browser opens it instead. */}
        <button
          type="button"
          class="chart-credit link"
          title="TradingView Lightweight Charts™, Copyright © 2023 TradingView, Inc. https://www.tradingview.com/"
          onClick={() => void ipc.openChartCredits().catch(() => {})}
        >
          Charts by TradingView
        </button>
      </header>
      <ErrorNote error={older.error()} onRetry={older.retry} testId="chart-page-error" />
      <div class="chart-area">
        {host}
        <Show when={legendBar()}>
          {(bar) => (
            <div class="chart-legend" data-testid="chart-legend">
              <span class="muted">{timeLabel(bar().time, periodOf(resolution()), zone())}</span>
              <span classList={{ up: bar().close >= bar().open, down: bar().close < bar().open }}>
                O {fmt.price(bar().open)} H {fmt.price(bar().high)} L {fmt.price(bar().low)} C {fmt.price(bar().close)}
              </span>
              <Show when={changeAt(bars(), legendIndex())}>
                {(c) => (
                  <span class={fmt.sign(c().change) ?? "muted"}>
                    {fmt.change(c().change)} ({fmt.percent(c().percent)})
                  </span>
                )}
              </Show>
              <Show when={bar().volume !== null}>
                <span class="muted">Vol {VOLUME.format(bar().volume ?? 0)}</span>
              </Show>
              <For each={marks().filter((m) => m.time === bar().time)}>
                {(m) => (
                  <span classList={{ up: m.buy, down: !m.buy }} data-testid="chart-legend-fill">
                    {m.text}
                  </span>
                )}
              </For>
            </div>
          )}
        </Show>
        <Switch>
          <Match when={state() === "loading"}>
            <div class="chart-overlay" role="status">
              Loading {props.symbol} {resolutionLabel(resolution())}…
            </div>
          </Match>
          <Match when={state() === "empty"}>
            <div class="chart-overlay" role="status">
              No bars for {props.symbol} at this timeframe
            </div>
          </Match>
          <Match when={state() === "error"}>
            <div class="chart-overlay">
              <ErrorNote
                error={loadError()}
                onRetry={() => void load(props.symbol, resolution())}
                testId="chart-error"
              />
            </div>
          </Match>
        </Switch>
      </div>
    </section>
  );
}
