import { describe, expect, it } from "vitest";
import {
  CHART_HEIGHT,
  DEFAULT_LAYOUT,
  SIDE_WIDTH,
  STEP,
  clamp,
  layoutKey,
  parseLayout,
  serializeLayout,
  splitterKey,
} from "./layout";

describe("the desk layout", () => {
  it("starts from the defaults when nothing was saved", () => {
    expect(parseLayout(null)).toEqual(DEFAULT_LAYOUT);
    expect(DEFAULT_LAYOUT).toEqual({ sideWidth: 400, chartHeight: 420, side: "left", balances: true });
  });
  it("reads back what was saved", () => {
    const saved = { sideWidth: 512, chartHeight: 300, side: "right" as const, balances: false };
    expect(parseLayout(serializeLayout(saved))).toEqual(saved);
  });
  it("refuses garbage field by field, keeping what is valid", () => {
    expect(parseLayout("{not json")).toEqual(DEFAULT_LAYOUT);
    expect(parseLayout("null")).toEqual(DEFAULT_LAYOUT);
    expect(parseLayout("[1,2]")).toEqual(DEFAULT_LAYOUT);
    expect(parseLayout('"left"')).toEqual(DEFAULT_LAYOUT);
    expect(
      parseLayout(JSON.stringify({ sideWidth: "500", chartHeight: null, side: "top", balances: "no" })),
    ).toEqual(DEFAULT_LAYOUT);
    expect(parseLayout(JSON.stringify({ sideWidth: 480, side: "middle" }))).toEqual({
      ...DEFAULT_LAYOUT,
      sideWidth: 480,
    });
  });
  it("brings stored sizes within the limits, so no panel can vanish", () => {
    expect(parseLayout(JSON.stringify({ sideWidth: 0, chartHeight: 1e9 }))).toMatchObject({
      sideWidth: SIDE_WIDTH.min,
      chartHeight: CHART_HEIGHT.max,
    });
    expect(parseLayout(JSON.stringify({ sideWidth: -50, chartHeight: 5 }))).toMatchObject({
      sideWidth: SIDE_WIDTH.min,
      chartHeight: CHART_HEIGHT.min,
    });
    // JSON has no Infinity or NaN; a hand edit writing 1e999 parses to Infinity.
    expect(parseLayout('{"sideWidth": 1e999}').sideWidth).toBe(DEFAULT_LAYOUT.sideWidth);
    expect(parseLayout(JSON.stringify({ sideWidth: 401.6 })).sideWidth).toBe(402);
  });
  it("clamps to whole pixels within the limits", () => {
    expect(clamp(100, SIDE_WIDTH)).toBe(SIDE_WIDTH.min);
    expect(clamp(9999, SIDE_WIDTH)).toBe(SIDE_WIDTH.max);
    expect(clamp(333.4, SIDE_WIDTH)).toBe(333);
  });
  it("keys the layout by backend and user", () => {
    expect(layoutKey("sandbox", "u-1")).toBe("aries-desk.layout.sandbox:u-1");
    expect(layoutKey("live", "u-1")).not.toBe(layoutKey("sandbox", "u-1"));
    expect(layoutKey("live", "u-2")).not.toBe(layoutKey("live", "u-1"));
  });
});

describe("a splitter's keys", () => {
  it("move by a step, four with Shift, in the direction of the splitter", () => {
    expect(splitterKey("ArrowRight", false, 400, SIDE_WIDTH, "ArrowRight")).toBe(400 + STEP);
    expect(splitterKey("ArrowLeft", false, 400, SIDE_WIDTH, "ArrowRight")).toBe(400 - STEP);
    expect(splitterKey("ArrowRight", true, 400, SIDE_WIDTH, "ArrowRight")).toBe(400 + 4 * STEP);
    // A side column on the right grows as its splitter moves left.
    expect(splitterKey("ArrowLeft", false, 400, SIDE_WIDTH, "ArrowLeft")).toBe(400 + STEP);
    expect(splitterKey("ArrowDown", false, 420, CHART_HEIGHT, "ArrowDown")).toBe(420 + STEP);
    expect(splitterKey("ArrowUp", false, 420, CHART_HEIGHT, "ArrowDown")).toBe(420 - STEP);
  });
  it("stop at the limits; Home and End go to them", () => {
    expect(splitterKey("ArrowLeft", true, SIDE_WIDTH.min + 3, SIDE_WIDTH, "ArrowRight")).toBe(SIDE_WIDTH.min);
    expect(splitterKey("ArrowRight", false, SIDE_WIDTH.max, SIDE_WIDTH, "ArrowRight")).toBe(SIDE_WIDTH.max);
    expect(splitterKey("Home", false, 500, SIDE_WIDTH, "ArrowRight")).toBe(SIDE_WIDTH.min);
    expect(splitterKey("End", false, 500, SIDE_WIDTH, "ArrowRight")).toBe(SIDE_WIDTH.max);
  });
  it("leave other keys, and the other axis's arrows, alone", () => {
    expect(splitterKey("Enter", false, 400, SIDE_WIDTH, "ArrowRight")).toBeNull();
    expect(splitterKey("ArrowUp", false, 400, SIDE_WIDTH, "ArrowRight")).toBeNull();
    expect(splitterKey("ArrowLeft", false, 420, CHART_HEIGHT, "ArrowDown")).toBeNull();
  });
});
