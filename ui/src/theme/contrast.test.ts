import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { type Rgba, contrast, over, parseColor, rules, variables } from "./contrast";

// The palettes in styles.css, as look.ts layers them on <html>.
const DARK = ":root";
const LIGHT = ':root[data-theme="light"]';
const SAFE = ':root[data-updown="blue-orange"]';
const LIGHT_SAFE = ':root[data-theme="light"][data-updown="blue-orange"]';
const PALETTE_SELECTORS = [DARK, LIGHT, SAFE, LIGHT_SAFE];

// Read as a file: vitest stubs CSS imports.
const all = rules(readFileSync(new URL("../styles.css", import.meta.url), "utf8"));
const declared = (selector: string) => variables(all.find((r) => r.selector === selector)?.body ?? "");
const palettes: Record<string, Record<string, string>> = {
  dark: declared(DARK),
  light: { ...declared(DARK), ...declared(LIGHT) },
  "dark, blue/orange": { ...declared(DARK), ...declared(SAFE) },
  "light, blue/orange": { ...declared(DARK), ...declared(LIGHT), ...declared(SAFE), ...declared(LIGHT_SAFE) },
};

/** Text colours, each drawn on the plain surfaces somewhere (prices, statuses, notes, links). */
const INKS = ["text", "muted", "accent", "live", "up", "down", "partial", "error", "focus", "unknown"];
const SURFACES = ["bg", "panel", "panel-2", "field"];
/** Tinted note and marker backgrounds, with the text colours written on them. */
const TINTS = ["error-bg", "warn-bg", "live-bg", "live-marker-bg"];
const ON_TINTS = ["text", "muted", "error", "live", "accent"];
/** Price cells flash up or down (a translucent colour over the panel) while they show their colour or plain text. */
const FLASHES: [string, string[]][] = [
  ["flash-up", ["up", "text"]],
  ["flash-down", ["down", "text"]],
];

/** Every rule outside the palettes that sets both a text colour and a background from the palette. */
const rulePairs = all
  .filter((r) => !PALETTE_SELECTORS.includes(r.selector))
  .flatMap((r) => {
    const ink = /(?:^|[;\s])color:\s*var\(--([\w-]+)\)/.exec(r.body)?.[1];
    const ground = /background(?:-color)?:\s*var\(--([\w-]+)\)/.exec(r.body)?.[1];
    return ink && ground ? [{ selector: r.selector, ink, ground }] : [];
  });

function color(palette: Record<string, string>, name: string): Rgba {
  const c = parseColor(palette[`--${name}`] ?? "");
  if (!c) throw new Error(`--${name} is missing or not a colour I can read`);
  return c;
}

describe.each(Object.entries(palettes))("the %s palette meets WCAG AA (4.5:1 for text)", (_, palette) => {
  const ratio = (ink: string, ground: Rgba) => contrast(color(palette, ink), ground);

  it.each(INKS.flatMap((ink) => SURFACES.map((s) => [ink, s])))("--%s on --%s", (ink, surface) => {
    expect(ratio(ink, color(palette, surface))).toBeGreaterThanOrEqual(4.5);
  });

  it.each(ON_TINTS.flatMap((ink) => TINTS.map((t) => [ink, t])))("--%s on --%s", (ink, tint) => {
    expect(ratio(ink, color(palette, tint))).toBeGreaterThanOrEqual(4.5);
  });

  it.each(FLASHES.flatMap(([flash, inks]) => inks.map((ink) => [ink, flash])))(
    "--%s on --%s over the panel",
    (ink, flash) => {
      expect(ratio(ink, over(color(palette, flash), color(palette, "panel")))).toBeGreaterThanOrEqual(4.5);
    },
  );

  it("every rule's own colour on its own background", () => {
    expect(rulePairs.length).toBeGreaterThan(5); // the parser found the buttons, badges and notes
    const failing = rulePairs
      .map((p) => ({ ...p, ratio: ratio(p.ink, over(color(palette, p.ground), color(palette, "panel"))) }))
      .filter((p) => p.ratio < 4.5)
      .map((p) => `${p.selector}: --${p.ink} on --${p.ground} is ${p.ratio.toFixed(2)}:1`);
    expect(failing).toEqual([]);
  });

  it("the focus ring stands out from every surface (3:1 for non-text)", () => {
    for (const s of [...SURFACES, "line"]) expect(ratio("focus", color(palette, s))).toBeGreaterThanOrEqual(3);
  });
});

describe("colours live only in the palettes", () => {
  it("no rule outside them writes a colour literal, so every panel follows the theme", () => {
    const literals = all
      .filter((r) => !PALETTE_SELECTORS.includes(r.selector))
      .flatMap((r) => [...r.body.matchAll(/#[0-9a-f]{3,8}\b|rgba?\(|hsla?\(/gi)].map((m) => `${r.selector}: ${m[0]}`));
    expect(literals).toEqual([]);
  });

  it("every theme defines the same variables, each a readable colour", () => {
    const names = Object.keys(palettes.dark).filter((n) => parseColor(palettes.dark[n]));
    expect(names.length).toBeGreaterThan(20);
    for (const palette of Object.values(palettes)) for (const n of names) expect(parseColor(palette[n])).not.toBeNull();
    // The light palette overrides every colour of the dark one: none is left dark by omission.
    expect(names.filter((n) => !(n in declared(LIGHT)))).toEqual([]);
  });
});

describe("the contrast arithmetic", () => {
  it("matches the WCAG reference values", () => {
    const black = parseColor("#000")!;
    const white = parseColor("#ffffff")!;
    expect(contrast(black, white)).toBeCloseTo(21, 5);
    expect(contrast(white, white)).toBe(1);
    expect(contrast(parseColor("#767676")!, white)).toBeCloseTo(4.54, 2);
  });
  it("composites translucent colours", () => {
    expect(over(parseColor("rgb(0 0 0 / 50%)")!, parseColor("#ffffff")!)).toEqual({ r: 127.5, g: 127.5, b: 127.5, a: 1 });
  });
});
