// The trader's own orders on the chart, without the DOM: working orders as
// price lines, fills as markers on the bar they happened in. Aries reports no
// per-fill records (docs/aries-api.md), only an order's filled quantity and
// average price, so an order's fills count as one, at its average price, on
// the bar of its last update (the last fill, once filled); one side's orders
// on one bar share a marker.
import type { BarView, OrderView } from "../bindings";
import { type Decimal, ZERO, parse } from "../account/decimal";
import { price as priceText, quantity as quantityText } from "../account/money";
import { periodOf, barStart, type Resolution } from "./bars";

/** Which of an order's prices a line marks. */
export type LineKind = "limit" | "stop";

/** One price line: a working order's limit or stop price, labelled with side and the quantity still open. */
export type OrderLine = {
  /** Stable across updates of the same order (a replace keeps its intent), so a line moves instead of blinking. */
  key: string;
  price: number;
  buy: boolean;
  kind: LineKind;
  /** Its outcome is not known (docs/reliability.md): it may be working at Aries. */
  unknown: boolean;
  title: string;
};

/** One fill marker, at its bar's time: the fills of one side's orders on that bar. */
export type FillMark = {
  /** The bar and the side: "1717338660:B". */
  key: string;
  time: number;
  price: number;
  buy: boolean;
  /** Drawn beside the arrow, centred on the bar: short, so the newest bar's stays inside the chart ("B 12"). */
  label: string;
  /** The whole of it, for the legend of the bar under the crosshair ("B 12 @ 187.2133 (3 orders)"). */
  text: string;
};

const KIND_LABEL: Record<LineKind, string> = { limit: "LMT", stop: "STP" };

/** The intent's id when it has one (it survives a replace), else Aries's order id. */
const orderKey = (o: OrderView) => o.clientId ?? o.clOrdId;

const sideOf = (o: OrderView) => (o.side ?? "").toUpperCase();

/** A decimal string from Rust as a chart coordinate; null when absent, unreadable or not positive. */
function coordinate(text: string | null): number | null {
  const value = parse(text);
  return value !== null && value.gt(ZERO) ? Number(value.toFixed()) : null;
}

/**
 * The price lines of `symbol`'s working orders: one per limit price and one
 * per stop price (a stop-limit has both), labelled "BUY 100 LMT", with the
 * quantity still open. An order whose outcome is unknown is drawn too, marked
 * "?": it may be resting at Aries, and hiding it would hide a risk.
 */
export function orderLines(orders: readonly OrderView[], symbol: string): OrderLine[] {
  const lines: OrderLine[] = [];
  for (const o of orders) {
    if (!o.working || o.symbol !== symbol) continue;
    const quantity = parse(o.quantity);
    if (quantity === null) continue;
    const open = quantity.minus(parse(o.filled) ?? ZERO);
    if (open.lte(ZERO)) continue;
    const side = sideOf(o);
    const unknown = o.status === "UNKNOWN";
    const prices: [LineKind, number | null][] = [
      ["limit", coordinate(o.limitPrice)],
      ["stop", coordinate(o.stopPrice)],
    ];
    for (const [kind, price] of prices) {
      if (price === null) continue;
      const title = `${unknown ? "? " : ""}${side} ${quantityText(open)} ${KIND_LABEL[kind]}`;
      lines.push({ key: `${orderKey(o)}:${kind}`, price, buy: side === "BUY", kind, unknown, title });
    }
  }
  return lines;
}

/** Index of the last bar starting at or before `time`; -1 when every bar is later. */
function barAtOrBefore(bars: readonly BarView[], time: number): number {
  let lo = 0;
  let hi = bars.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (bars[mid].time <= time) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found;
}

/**
 * The bar a trade at `time` (Unix seconds) belongs to, among the loaded `bars`:
 * intraday bars are instants, so the time zone chosen for the axis moves no
 * marker; daily and weekly bars are New York dates (a fill at 21:00 New York
 * time is that day's, though it is the next day in UTC). A time before the
 * oldest loaded bar has none; one past the newest bar goes on it until a live
 * tick opens the next bar.
 */
export function barTimeOf(bars: readonly BarView[], resolution: Resolution, time: number): number | null {
  const target = periodOf(resolution) === "intraday" ? time : barStart(time, resolution);
  const index = barAtOrBefore(bars, target);
  return index < 0 ? null : bars[index].time;
}

/** One order's fills: its filled quantity at its average price, on a bar. */
type OrderFill = { stamp: number; time: number; buy: boolean; quantity: Decimal; average: Decimal };

/**
 * Markers for `symbol`'s filled and partly filled orders, oldest first (the
 * chart wants them in time order). Each order's fills go on the bar of its
 * last update; orders without a readable time or average price, or older than
 * the loaded bars, get none. Orders of one side on one bar share a marker, so
 * a busy bar stays readable: "B 5 @ 187.20" for one order, "B 12 @ 187.2133
 * (3 orders)" for several, at their quantity-weighted average price (exact).
 * The chart draws only side and quantity ("B 12"); the legend shows the rest.
 */
export function fillMarks(
  orders: readonly OrderView[],
  symbol: string,
  bars: readonly BarView[],
  resolution: Resolution,
): FillMark[] {
  // One entry per intent: a replace chain from the history lists each link with the fills so far.
  const fills = new Map<string, OrderFill>();
  for (const o of orders) {
    if (o.symbol !== symbol) continue;
    const quantity = parse(o.filled);
    const average = parse(o.averagePrice);
    if (quantity === null || quantity.lte(ZERO) || average === null) continue;
    const stamp = Date.parse(o.updatedAt ?? "");
    if (Number.isNaN(stamp)) continue;
    const time = barTimeOf(bars, resolution, stamp / 1000);
    if (time === null) continue;
    const key = orderKey(o);
    if ((fills.get(key)?.stamp ?? -Infinity) >= stamp) continue;
    fills.set(key, { stamp, time, buy: sideOf(o) === "BUY", quantity, average });
  }

  const groups = new Map<string, OrderFill[]>();
  for (const fill of fills.values()) {
    const key = `${fill.time}:${fill.buy ? "B" : "S"}`;
    groups.set(key, [...(groups.get(key) ?? []), fill]);
  }
  const marks: FillMark[] = [];
  for (const [key, group] of groups) {
    const { time, buy } = group[0];
    const quantity = group.reduce((sum, f) => sum.plus(f.quantity), ZERO);
    const average = group.reduce((sum, f) => sum.plus(f.quantity.times(f.average)), ZERO).div(quantity);
    const count = group.length > 1 ? ` (${group.length} orders)` : "";
    const label = `${buy ? "B" : "S"} ${quantityText(quantity)}`;
    marks.push({
      key,
      time,
      price: Number(average.toFixed()),
      buy,
      label,
      text: `${label} @ ${priceText(average)}${count}`,
    });
  }
  return marks.sort((a, b) => a.time - b.time || Number(b.buy) - Number(a.buy));
}
