// Exact decimal arithmetic for money (big.js). Amounts cross from Rust as
// decimal strings and are only ever read into Dec, never into a float, and
// Dec is strict: it refuses JS numbers (use fromNumber for a quote's price)
// and will not silently turn itself into one.
import Big from "big.js";

/** Our own constructor, so these settings stay ours whatever else loads big.js. */
export const Dec = Big();
Dec.DP = 20; // division (only percentages divide) keeps 20 decimals
Dec.RM = Dec.roundHalfUp; // display rounding: 0.005 → 0.01, -0.005 → -0.01
Dec.strict = true;

export type Decimal = Big;

/** A decimal string from Rust, or null when absent or not a number. */
export function parse(text: string | null | undefined): Decimal | null {
  if (text === null || text === undefined || text.trim() === "") return null;
  try {
    return new Dec(text.trim());
  } catch {
    return null;
  }
}

/**
 * A price from the quote stream, which arrives as a JSON number: its shortest
 * round-trip text (189.32 → "189.32") is exactly the decimal the feed sent.
 */
export function fromNumber(value: number | null | undefined): Decimal | null {
  if (value === null || value === undefined || !Number.isFinite(value)) return null;
  return new Dec(String(value));
}

export const ZERO = new Dec("0");

/** The sum, or null when any term is missing: a total is exact or not shown. */
export function sum(values: readonly (Decimal | null)[]): Decimal | null {
  let total = ZERO;
  for (const v of values) {
    if (v === null) return null;
    total = total.plus(v);
  }
  return total;
}
