// Display text for exact decimals: rounded half-up by big.js, grouped by hand
// (Intl would first turn the value into a float).
import { DASH } from "../format";
import { type Decimal, ZERO } from "./decimal";

function group(fixed: string): string {
  const negative = fixed.startsWith("-");
  const [whole, fraction] = (negative ? fixed.slice(1) : fixed).split(".");
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  return `${negative ? "-" : ""}${grouped}${fraction === undefined ? "" : `.${fraction}`}`;
}

/** Rounded to `dp` places; "-0.00" is shown as "0.00". `sign` adds "+" to a positive value. */
function fixed(value: Decimal, dp: number, sign: boolean): string {
  const rounded = value.round(dp);
  const text = group(rounded.abs().toFixed(dp));
  if (rounded.eq(ZERO)) return text;
  if (rounded.lt(ZERO)) return `-${text}`;
  return sign ? `+${text}` : text;
}

/** An amount of money: 2 decimals, grouped. */
export const money = (value: Decimal | null) => (value === null ? DASH : fixed(value, 2, false));

/** A profit or loss: like money, with "+" when positive. */
export const pl = (value: Decimal | null) => (value === null ? DASH : fixed(value, 2, true));

/** A percentage with 2 decimals and its sign. */
export const percent = (value: Decimal | null) => (value === null ? DASH : `${fixed(value, 2, true)}%`);

/** A price: at least 2 and at most 4 decimals, as the quote board shows them. */
export function price(value: Decimal | null): string {
  if (value === null) return DASH;
  const places = Math.max(0, value.c.length - value.e - 1); // decimals the value has
  return fixed(value, Math.min(Math.max(places, 2), 4), false);
}

/** A quantity as Aries sent it (no trailing zeros), grouped. */
export const quantity = (value: Decimal) => group(value.toFixed());

/** "up", "down" or nothing, for colouring a signed amount. */
export function tone(value: Decimal | null): "up" | "down" | null {
  if (value === null || value.eq(ZERO)) return null;
  return value.gt(ZERO) ? "up" : "down";
}
