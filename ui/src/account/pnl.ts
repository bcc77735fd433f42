// Per-position and per-account figures, exact (big.js), from Aries's position
// fields and the live quote. Pure: no Solid, no IPC.
//
// Signs: quantity is negative for a short, so one formula serves both sides:
//   market value   = qty × last                  (negative for a short)
//   unrealized P&L = (last − average cost) × qty (a short gains as the price falls)
//   unrealized %   = unrealized P&L ÷ |average cost × qty| × 100
// With a live last price those are computed here. Without one, Aries's own
// figures (at its mark) are shown as sent.
//
// Day P&L: Aries's `dailyPl` is measured at the same mark as its `marketValue`,
// so at the live price it is dailyPl + (qty × last − marketValue); that is
// exact and right for a position opened today too. Only when Aries sends no
// dailyPl is it estimated as qty × the quote's change since the previous close,
// which is right only for shares held since then (marked `estimated`).
import type { PositionView, Side } from "../bindings";
import { type Decimal, ZERO, fromNumber, parse, sum } from "./decimal";

/** The parts of a quote these figures use (a QuoteRow fits). */
export type Mark = { last: number | null; change: number | null };

export type DaySource = "aries" | "live" | "estimated";

export type PositionFigures = {
  symbol: string;
  quantity: Decimal;
  averageCost: Decimal | null;
  /** The live last price, or null when no quote has one (then Aries's figures are used). */
  last: Decimal | null;
  /** average cost × qty: what the position cost, negative for a short. */
  costBasis: Decimal | null;
  marketValue: Decimal | null;
  unrealized: Decimal | null;
  /** Percent of |cost basis|; null when the cost basis is unknown or zero. */
  unrealizedPercent: Decimal | null;
  dayPl: Decimal | null;
  daySource: DaySource | null;
};

export type Totals = {
  marketValue: Decimal | null;
  costBasis: Decimal | null;
  unrealized: Decimal | null;
  unrealizedPercent: Decimal | null;
  dayPl: Decimal | null;
  /** Some row's day P&L is an estimate from the quote's change. */
  dayEstimated: boolean;
};

const HUNDRED = "100";

function percentOf(part: Decimal | null, whole: Decimal | null): Decimal | null {
  if (part === null || whole === null || whole.eq(ZERO)) return null;
  return part.div(whole.abs()).times(HUNDRED);
}

export function positionFigures(position: PositionView, mark?: Mark | null): PositionFigures {
  const quantity = parse(position.quantity) ?? ZERO;
  const averageCost = parse(position.averagePrice);
  const last = fromNumber(mark?.last);
  const costBasis = averageCost && averageCost.times(quantity);
  const ariesValue = parse(position.marketValue);
  const ariesUnrealized = parse(position.unrealizedPl);
  const ariesDay = parse(position.dailyPl);

  let marketValue: Decimal | null;
  let unrealized: Decimal | null;
  if (last) {
    marketValue = quantity.times(last);
    unrealized = averageCost && last.minus(averageCost).times(quantity);
  } else {
    marketValue = ariesValue;
    unrealized = ariesUnrealized ?? (ariesValue && costBasis && ariesValue.minus(costBasis));
  }

  let dayPl: Decimal | null = null;
  let daySource: DaySource | null = null;
  if (ariesDay) {
    if (last && ariesValue) {
      dayPl = ariesDay.plus(quantity.times(last).minus(ariesValue));
      daySource = "live";
    } else {
      dayPl = ariesDay;
      daySource = "aries";
    }
  } else {
    const change = fromNumber(mark?.change);
    if (change) {
      dayPl = quantity.times(change);
      daySource = "estimated";
    }
  }

  return {
    symbol: position.symbol,
    quantity,
    averageCost,
    last,
    costBasis,
    marketValue,
    unrealized,
    unrealizedPercent: percentOf(unrealized, costBasis),
    dayPl,
    daySource,
  };
}

/**
 * The account's totals. Each is exact or null: a total with a missing row
 * would understate the account, so it is not shown. The % is over the sum of
 * |cost basis|, long and short alike.
 */
export function totals(rows: readonly PositionFigures[]): Totals {
  const unrealized = sum(rows.map((r) => r.unrealized));
  const grossCost = sum(rows.map((r) => r.costBasis && r.costBasis.abs()));
  return {
    marketValue: sum(rows.map((r) => r.marketValue)),
    costBasis: sum(rows.map((r) => r.costBasis)),
    unrealized,
    unrealizedPercent: percentOf(unrealized, grossCost),
    dayPl: sum(rows.map((r) => r.dayPl)),
    dayEstimated: rows.some((r) => r.daySource === "estimated"),
  };
}

/** What a button may put on the order ticket; the ticket still validates it and never sends by itself. */
export type TicketPrefill = { symbol: string; side: Side; quantity: string };

/** The ticket that would close the position: the opposite side, the whole quantity. */
export function closingOrder(position: PositionView): TicketPrefill | null {
  const quantity = parse(position.quantity);
  if (!quantity || quantity.eq(ZERO)) return null;
  return { symbol: position.symbol, side: quantity.gt(ZERO) ? "SELL" : "BUY", quantity: quantity.abs().toFixed() };
}
