// Display formatting for prices, changes and times (numbers arrive as JSON
// numbers for market data and as decimal strings for orders).
const PRICE = new Intl.NumberFormat("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 4 });
const CHANGE = new Intl.NumberFormat("en-US", {
  minimumFractionDigits: 2,
  maximumFractionDigits: 2,
  signDisplay: "exceptZero",
});

const VOLUME = new Intl.NumberFormat("en-US", { notation: "compact", maximumFractionDigits: 1 });
const WHOLE = new Intl.NumberFormat("en-US", { maximumFractionDigits: 0 });

export const DASH = "—";

export const price = (value: number | null) => (value === null ? DASH : PRICE.format(value));
export const change = (value: number | null) => (value === null ? DASH : CHANGE.format(value));
export const percent = (value: number | null) => (value === null ? DASH : `${CHANGE.format(value)}%`);
/** Shares traded, short: "51.2M". */
export const volume = (value: number | null) => (value === null ? DASH : VOLUME.format(value));
/** Shares traded, in full, for a tooltip. */
export const shares = (value: number | null) => (value === null ? DASH : `${WHOLE.format(value)} shares`);
export const text = (value: string | null) => (value === null || value === "" ? DASH : value);

/** Local wall-clock time of an RFC 3339 stamp, or a dash when there is none. */
export function clock(stamp: string | null): string {
  if (!stamp) return DASH;
  const date = new Date(stamp);
  return Number.isNaN(date.getTime()) ? DASH : date.toLocaleTimeString("en-GB", { hour12: false });
}

/** "up", "down" or nothing, for colouring a signed change. */
export function sign(value: number | null): "up" | "down" | null {
  if (value === null || value === 0) return null;
  return value > 0 ? "up" : "down";
}
