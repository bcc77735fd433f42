import { TickMarkType } from "lightweight-charts";
import { describe, expect, it } from "vitest";
import { tickLabel, timeLabel } from "./time";

const at = (iso: string) => Date.parse(iso) / 1000;

describe("chart time labels", () => {
  it("shows intraday bars in New York time", () => {
    const open = at("2025-03-10T13:30:00Z"); // 09:30 EDT
    expect(timeLabel(open, "intraday", "ny")).toBe("Mon, 10 Mar 2025 09:30");
    expect(tickLabel(open, TickMarkType.Time, "intraday", "ny")).toBe("09:30");
    expect(tickLabel(open, TickMarkType.DayOfMonth, "intraday", "ny")).toBe("10 Mar");
  });

  it("shows daily bars on their own date, never as the evening before", () => {
    const day = at("2025-03-10T00:00:00Z"); // Sunday 20:00 in New York
    expect(timeLabel(day, "day", "ny")).toBe("Mon, 10 Mar 2025");
    expect(timeLabel(day, "day", "local")).toBe("Mon, 10 Mar 2025");
    expect(timeLabel(day, "week", "ny")).toBe("Week of Mon, 10 Mar 2025");
    expect(tickLabel(day, TickMarkType.DayOfMonth, "day", "ny")).toBe("10 Mar");
    expect(tickLabel(day, TickMarkType.Year, "week", "ny")).toBe("2025");
  });
});
