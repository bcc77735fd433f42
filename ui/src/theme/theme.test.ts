import { describe, expect, it } from "vitest";
import { DEFAULT_LOOK, parseLook, resolvePalette } from "./theme";

describe("the theme choice", () => {
  it("follows the OS on System", () => {
    expect(resolvePalette("system", true)).toBe("dark");
    expect(resolvePalette("system", false)).toBe("light");
  });
  it("overrides the OS on Light or Dark", () => {
    expect(resolvePalette("light", true)).toBe("light");
    expect(resolvePalette("dark", false)).toBe("dark");
  });
  it("starts on System with green/red when nothing was saved", () => {
    expect(parseLook(null)).toEqual({ theme: "system", upDown: "green-red" });
    expect(DEFAULT_LOOK).toEqual({ theme: "system", upDown: "green-red" });
  });
  it("reads back what was saved", () => {
    const saved = { theme: "light", upDown: "blue-orange" };
    expect(parseLook(JSON.stringify(saved))).toEqual(saved);
  });
  it("falls back field by field on anything it does not know", () => {
    expect(parseLook("{not json")).toEqual(DEFAULT_LOOK);
    expect(parseLook('"dark"')).toEqual(DEFAULT_LOOK);
    expect(parseLook("null")).toEqual(DEFAULT_LOOK);
    expect(parseLook('{"theme":"sepia","upDown":"blue-orange"}')).toEqual({ theme: "system", upDown: "blue-orange" });
    expect(parseLook('{"theme":"dark","upDown":42}')).toEqual({ theme: "dark", upDown: "green-red" });
  });
});
