// Calendar and label helpers for the chart. Intraday bars are instants, shown
// in New York or local time as the user chooses. Daily and weekly bars are
// calendar dates, stamped 00:00 UTC of their New York day (as the history
// is), so they are always read in UTC: in New York time they would show as
// the evening before.
import { TickMarkType } from "lightweight-charts";

export type Zone = "ny" | "local";
export type Period = "intraday" | "day" | "week";

const NEW_YORK = "America/New_York";
const DAY = 86_400;

const formats = new Map<string, Intl.DateTimeFormat>();
/** Building an Intl formatter is slow and the axis asks for labels on every redraw: keep them. */
function format(timeZone: string | undefined, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `${timeZone}|${JSON.stringify(options)}`;
  let f = formats.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat("en-GB", { timeZone, hourCycle: "h23", ...options });
    formats.set(key, f);
  }
  return f;
}

/** 00:00 UTC of the New York calendar date at `time` (Unix seconds): a daily bar's stamp. */
export function nyDay(time: number): number {
  const parts = format(NEW_YORK, { year: "numeric", month: "numeric", day: "numeric" }).formatToParts(time * 1000);
  const part = (type: Intl.DateTimeFormatPartTypes) => Number(parts.find((p) => p.type === type)?.value);
  return Date.UTC(part("year"), part("month") - 1, part("day")) / 1000;
}

/** The Monday, 00:00 UTC, of the week of a day stamp: a weekly bar's stamp. */
export function weekOf(day: number): number {
  const fromMonday = (new Date(day * 1000).getUTCDay() + 6) % 7;
  return day - fromMonday * DAY;
}

function zoneFor(period: Period, zone: Zone): string | undefined {
  if (period !== "intraday") return "UTC";
  return zone === "ny" ? NEW_YORK : undefined; // undefined: the system's zone
}

/** The crosshair's and legend's label for the bar at `time`. */
export function timeLabel(time: number, period: Period, zone: Zone): string {
  const ms = time * 1000;
  const date = format(zoneFor(period, zone), { weekday: "short", day: "numeric", month: "short", year: "numeric" });
  if (period === "week") return `Week of ${date.format(ms)}`;
  if (period === "day") return date.format(ms);
  const clock = format(zoneFor(period, zone), { hour: "2-digit", minute: "2-digit" });
  return `${date.format(ms)} ${clock.format(ms)}`;
}

/**
 * A time-axis label. lightweight-charts places its day/month/year marks at UTC
 * boundaries whatever the labels say; with regular trading hours the first bar
 * of a UTC day is the session's first bar, so a date label lands on the open.
 */
export function tickLabel(time: number, type: TickMarkType, period: Period, zone: Zone): string {
  const tz = zoneFor(period, zone);
  const ms = time * 1000;
  switch (type) {
    case TickMarkType.Year:
      return format(tz, { year: "numeric" }).format(ms);
    case TickMarkType.Month:
      return format(tz, { month: "short" }).format(ms);
    case TickMarkType.DayOfMonth:
      return format(tz, { day: "numeric", month: "short" }).format(ms);
    default:
      return format(tz, { hour: "2-digit", minute: "2-digit" }).format(ms);
  }
}
