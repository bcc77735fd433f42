// The desk's layout: where the side column sits, how wide it is, how tall the
// chart is and whether Balances shows. Pure, so the limits and the parsing of
// what storage holds are tested without a DOM; store.ts keeps it per user.
import type { Mode } from "../bindings";
import { storedFields } from "../ui/stored";

export type Side = "left" | "right";
export type Layout = {
  /** Side column (watchlist, ticket, balances) width, px. */
  sideWidth: number;
  /** Chart height above the Orders | Positions tabs, px. */
  chartHeight: number;
  side: Side;
  balances: boolean;
};
export type Limits = { min: number; max: number };

// Below these the ticket's fields and the chart's axes no longer fit; above them
// the other panels would be squeezed out (styles.css also keeps the main column
// at least 420px wide, whatever the window).
export const SIDE_WIDTH: Limits = { min: 320, max: 640 };
export const CHART_HEIGHT: Limits = { min: 200, max: 900 };
/** One arrow key press; Shift moves four times as far. */
export const STEP = 16;

export const DEFAULT_LAYOUT: Layout = { sideWidth: 400, chartHeight: 420, side: "left", balances: true };

/** localStorage key: per backend and user, since a sandbox and a live desk may be set up differently. Nothing secret. */
export const layoutKey = (mode: Mode, userId: string) => `aries-desk.layout.${mode}:${userId}`;

/** Within the limits, in whole pixels. */
export const clamp = (value: number, limits: Limits) => Math.round(Math.min(limits.max, Math.max(limits.min, value)));

/**
 * A stored layout, tolerant of anything (an older version, a hand edit): each
 * field that is missing or not of its type falls back to its default, sizes
 * are brought within their limits.
 */
export function parseLayout(raw: string | null): Layout {
  const field = storedFields(raw);
  const size = (name: string, fallback: number, limits: Limits) => {
    const v = field(name);
    return typeof v === "number" && Number.isFinite(v) ? clamp(v, limits) : fallback;
  };
  const side = field("side");
  const balances = field("balances");
  return {
    sideWidth: size("sideWidth", DEFAULT_LAYOUT.sideWidth, SIDE_WIDTH),
    chartHeight: size("chartHeight", DEFAULT_LAYOUT.chartHeight, CHART_HEIGHT),
    side: side === "left" || side === "right" ? side : DEFAULT_LAYOUT.side,
    balances: typeof balances === "boolean" ? balances : DEFAULT_LAYOUT.balances,
  };
}

export const serializeLayout = (layout: Layout) => JSON.stringify(layout);

/**
 * A splitter's new value for a key, or null when the key is not the
 * splitter's. `grow` is the arrow that moves the splitter in the direction
 * that makes the value larger (ArrowRight for a side column on the left,
 * ArrowLeft for one on the right, ArrowDown for the chart's height).
 */
export function splitterKey(key: string, shift: boolean, value: number, limits: Limits, grow: string): number | null {
  const opposite: Record<string, string> = {
    ArrowRight: "ArrowLeft",
    ArrowLeft: "ArrowRight",
    ArrowDown: "ArrowUp",
    ArrowUp: "ArrowDown",
  };
  const step = shift ? STEP * 4 : STEP;
  if (key === "Home") return limits.min;
  if (key === "End") return limits.max;
  if (key === grow) return clamp(value + step, limits);
  if (key === opposite[grow]) return clamp(value - step, limits);
  return null;
}
